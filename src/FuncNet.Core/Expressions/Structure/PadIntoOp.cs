using FuncNet.Lowering;
using FuncNet.Tensors;

namespace FuncNet.Expressions;

/// <summary>
/// Places a block into zeros of a reference node's shape (values not read) at offset Begin: the adjoint of
/// <see cref="SliceOp"/>.
/// </summary>
internal sealed record PadIntoOp(IntList Begin) : Op
{
    public override string Name => "PadInto";

    // Lowering: the block into zeros (the reference input is not read).
    internal override KernelKind Lower(IReadOnlyList<Shape> inputs, IReadOnlyList<DType> dtypes, Shape shape, DType dtype) =>
        new PadIntoKind(new IntList(shape), Begin, new IntList(inputs[0]));

    internal override (Shape, DType) Infer(IReadOnlyList<Shape> shapes, IReadOnlyList<DType> dtypes)
    {
        if (shapes[0].Rank != shapes[1].Rank || Begin.Count != shapes[1].Rank)
        {
            throw new ShapeException($"{Name}: block {shapes[0]} at {Begin} does not fit the rank of {shapes[1]}.");
        }
        for (var a = 0; a < Begin.Count; a++)
        {
            var (block, target) = (shapes[0][a], shapes[1][a]);
            if (block != Shape.Unknown && target != Shape.Unknown && (Begin[a] < 0 || (long)Begin[a] + block > target))
            {
                throw new ShapeException($"{Name}: block {shapes[0]} at {Begin} does not fit in {shapes[1]} (axis {a}).");
            }
        }
        return (shapes[1], dtypes[0]);
    }

    internal override Tensor Reference(IReadOnlyList<Tensor> inputs, Shape outputShape, DType outputDType)
    {
        var block = inputs[0];
        var strides = outputShape.Strides();
        var rank = outputShape.Rank;
        var result = new double[outputShape.Size];
        var index = new int[rank];
        for (var k = 0; k < block.Size; k++)
        {
            var dst = 0;
            for (var a = 0; a < rank; a++) { dst += (index[a] + Begin[a]) * strides[a]; }
            result[dst] = block.GetDouble(k);
            for (var a = rank - 1; a >= 0; a--)
            {
                if (++index[a] < block.Shape[a]) { break; }
                index[a] = 0;
            }
        }
        return Tensor.FromSpan(outputShape, result, outputDType);
    }

    internal override Expr?[] Vjp(Expr node, Expr gradient) => [Ops.Slice(gradient, Begin.ToArray(), node.Inputs[0].Shape.ToArray()), null];

    internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents) =>
        tangents[0] is { } t ? Expr.Make(this, t, node.Inputs[1]) : null;

    internal override string Format(IReadOnlyList<string> inputs) => $"PadInto({inputs[0]}, {inputs[1]}, {Begin})";

    // Batching: block and reference both get the batch axis; the block starts at 0 along it.
    internal override Expr Batch(Expr node, IReadOnlyList<Expr> inputs, IReadOnlyList<bool> batched) =>
        Expr.Make(new PadIntoOp(Batching.Prepend(0, Begin)), Batching.AllBatched(inputs, batched));
}
