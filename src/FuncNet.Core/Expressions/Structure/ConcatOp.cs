using FuncNet.Expressions;
using FuncNet.Lowering;

namespace FuncNet;

/// <summary>Joins tensors along an existing axis; every other dimension must agree.</summary>
internal sealed record ConcatOp(int Axis) : Op
{
    public override string Name => "Concat";

    // Lowering: rows of one block per input.
    internal override KernelKind Lower(IReadOnlyList<Shape> inputs, IReadOnlyList<DType> dtypes, Shape shape, DType dtype) =>
        ConcatKind.Along(inputs, Axis);

    internal override (Shape, DType) Infer(IReadOnlyList<Shape> shapes, IReadOnlyList<DType> dtypes)
    {
        var first = shapes[0];
        var dtype = RequireSame(dtypes);
        var dims = first.ToArray();
        for (var i = 1; i < shapes.Count; i++)
        {
            var s = shapes[i];
            for (var a = 0; a < first.Rank; a++)
            {
                if (s.Rank != first.Rank || (a != Axis && !Shape.DimsCompatible(s[a], first[a])))
                {
                    throw new ShapeException($"{Name}: along axis {Axis}, all other dimensions must agree; given shapes {string.Join(", ", shapes)}.");
                }
            }
            if (dims[Axis] != Shape.Unknown && s[Axis] != Shape.Unknown && (long)dims[Axis] + s[Axis] > int.MaxValue)
            {
                throw new ShapeException($"{Name}: along axis {Axis} the joined length exceeds {int.MaxValue:N0}; given shapes {string.Join(", ", shapes)}.");
            }
            dims[Axis] = dims[Axis] == Shape.Unknown || s[Axis] == Shape.Unknown ? Shape.Unknown : dims[Axis] + s[Axis];
        }
        return (new Shape(dims), dtype);
    }

    internal override Tensor Reference(IReadOnlyList<Tensor> inputs, Shape outputShape, DType outputDType)
    {
        var outer = outputShape.Take(Axis).Aggregate(1, (p, d) => p * d);
        var inner = outputShape.Skip(Axis + 1).Aggregate(1, (p, d) => p * d);
        var result = new double[outputShape.Size];
        var k = 0;
        for (var o = 0; o < outer; o++)
        {
            foreach (var t in inputs)
            {
                var block = t.Shape[Axis] * inner;
                for (var j = 0; j < block; j++) { result[k++] = t.GetDouble(o * block + j); }
            }
        }
        return Tensor.FromSpan(outputShape, result, outputDType);
    }

    internal override Expr?[] Vjp(Expr node, Expr gradient)
    {
        var grads = new Expr?[node.Inputs.Count];
        var offset = 0;
        for (var i = 0; i < grads.Length; i++)
        {
            var x = node.Inputs[i];
            var len = x.Shape[Axis];
            if (len == Shape.Unknown)
            {
                throw new ShapeException($"{Name}: the gradient needs every input's length along axis {Axis} known; input {i} has shape {x.Shape}.");
            }
            var begin = new int[x.Rank];
            begin[Axis] = offset;
            var size = Enumerable.Repeat(-1, x.Rank).ToArray();
            size[Axis] = len;
            grads[i] = Ops.Slice(gradient, begin, size);
            offset += len;
        }
        return grads;
    }

    internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents) =>
        tangents.All(t => t is null) ? null : Ops.Concat(node.Inputs.Select((x, i) => tangents[i] ?? Ops.ZerosLike(x)).ToArray(), Axis);

    internal override string Format(IReadOnlyList<string> inputs) => $"Concat([{string.Join(", ", inputs)}], {Axis})";

    // Batching: unbatched pieces are repeated along the batch axis, then joined along the shifted axis.
    internal override Expr Batch(Expr node, IReadOnlyList<Expr> inputs, IReadOnlyList<bool> batched) =>
        Expr.Make(new ConcatOp(Axis + 1), Batching.AllBatched(inputs, batched));
}

public static partial class Ops
{
    /// <summary>Joins tensors along <paramref name="axis"/> (negative counts from the end); other dimensions must agree.</summary>
    public static Expr Concat(IReadOnlyList<Expr> values, int axis)
    {
        if (values is null || values.Count == 0)
        {
            throw new ShapeException("Concat: expected at least one tensor; given none.");
        }
        var a = values[0].Shape.NormalizeAxis(axis, "Concat");
        return values.Count == 1 ? values[0] : Expr.Make(new ConcatOp(a), values.ToArray());
    }
}
