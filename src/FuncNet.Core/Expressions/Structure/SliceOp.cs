using FuncNet.Expressions;
using FuncNet.Lowering;
using FuncNet.Tensors;

namespace FuncNet;

/// <summary>A box of x: Begin[i] ≤ index &lt; Begin[i] + Size[i] on each axis; a size of -1 runs to the end (TensorFlow's tf.slice).</summary>
internal sealed record SliceOp(IntList Begin, IntList Size) : Op
{
    public override string Name => "Slice";

    // Lowering: a strided copy that starts at the box's corner.
    internal override KernelKind Lower(IReadOnlyList<Shape> inputs, IReadOnlyList<DType> dtypes, Shape shape, DType dtype) =>
        StridedCopyKind.Slice(inputs[0], Begin, shape);

    internal override (Shape, DType) Infer(IReadOnlyList<Shape> shapes, IReadOnlyList<DType> dtypes)
    {
        var x = shapes[0];
        if (Begin.Count != x.Rank || Size.Count != x.Rank)
        {
            throw new ShapeException($"{Name}: expected begin and size of length {x.Rank} for shape {x}; given begin {Begin} and size {Size}.");
        }
        var dims = new int[x.Rank];
        for (var a = 0; a < x.Rank; a++)
        {
            var b = Begin[a];
            var s = Size[a];
            if (b < 0 || s < -1)
            {
                throw new ShapeException($"{Name}: begin must be ≥ 0 and size ≥ -1; given begin {Begin} and size {Size}.");
            }
            if (x[a] == Shape.Unknown)
            {
                dims[a] = s;
                continue;
            }
            dims[a] = s == -1 ? x[a] - b : s;
            // In long: b + size can exceed Int32.MaxValue and wrap to a box that seems to fit.
            if (dims[a] < 0 || (long)b + dims[a] > x[a])
            {
                throw new ShapeException($"{Name}: begin {Begin} with size {Size} does not fit in shape {x} (axis {a}).");
            }
        }
        return (new Shape(dims), dtypes[0]);
    }

    internal override Tensor Reference(IReadOnlyList<Tensor> inputs, Shape outputShape, DType outputDType)
    {
        var x = inputs[0];
        var strides = x.Shape.Strides();
        var rank = outputShape.Rank;
        var result = new double[outputShape.Size];
        var index = new int[rank];
        for (var k = 0; k < result.Length; k++)
        {
            var src = 0;
            for (var a = 0; a < rank; a++) { src += (index[a] + Begin[a]) * strides[a]; }
            result[k] = x.GetDouble(src);
            for (var a = rank - 1; a >= 0; a--)
            {
                if (++index[a] < outputShape[a]) { break; }
                index[a] = 0;
            }
        }
        return Tensor.FromSpan(outputShape, result, outputDType);
    }

    internal override Expr?[] Vjp(Expr node, Expr gradient) => [Expr.Make(new PadIntoOp(Begin), gradient, node.Inputs[0])];

    internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents) => tangents[0] is { } t ? Expr.Make(this, t) : null;

    internal override string Format(IReadOnlyList<string> inputs) => $"Slice({inputs[0]}, {Begin}, {Size})";

    // Batching: the whole batch axis, then the row's box.
    internal override Expr Batch(Expr node, IReadOnlyList<Expr> inputs, IReadOnlyList<bool> batched) =>
        Expr.Make(new SliceOp(Batching.Prepend(0, Begin), Batching.Prepend(-1, Size)), inputs[0]);
}

public static partial class Ops
{
    /// <summary>
    /// The box of <paramref name="x"/> starting at <paramref name="begin"/> with extents <paramref name="size"/>
    /// (-1 runs to the end of that axis), as TensorFlow's <c>tf.slice</c>.
    /// </summary>
    public static Expr Slice(Expr x, int[] begin, int[] size) => Expr.Make(new SliceOp(new IntList(begin), new IntList(size)), x);
}
