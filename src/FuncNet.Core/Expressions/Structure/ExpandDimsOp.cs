using FuncNet.Expressions;
using FuncNet.Lowering;
using FuncNet.Tensors;

namespace FuncNet;

/// <summary>Inserts axes of length 1 at the given positions of the output.</summary>
internal sealed record ExpandDimsOp(IntList Axes) : Op
{
    public override string Name => "ExpandDims";

    // Lowering: the same elements under a new shape: a copy where the plan cannot alias it.
    internal override KernelKind Lower(IReadOnlyList<Shape> inputs, IReadOnlyList<DType> dtypes, Shape shape, DType dtype) =>
        new CopyKind(shape.Size);

    internal override (Shape, DType) Infer(IReadOnlyList<Shape> shapes, IReadOnlyList<DType> dtypes)
    {
        var rank = shapes[0].Rank + Axes.Count;
        var dims = new int[rank];
        var src = 0;
        for (var i = 0; i < rank; i++)
        {
            dims[i] = Axes.Contains(i) ? 1 : shapes[0][src++];
        }
        return (new Shape(dims), dtypes[0]);
    }

    internal override Tensor Reference(IReadOnlyList<Tensor> inputs, Shape outputShape, DType outputDType) => inputs[0].Reshape(outputShape);

    // Summing over axes of length 1 removes them: that is the adjoint.
    internal override Expr?[] Vjp(Expr node, Expr gradient) => [Ops.ReduceSum(gradient, Axes.ToArray())];

    internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents) => tangents[0] is { } t ? Ops.ExpandDims(t, Axes.ToArray()) : null;

    internal override string Format(IReadOnlyList<string> inputs) => $"ExpandDims({inputs[0]}, {Axes})";

    // Batching: the new axes move past the batch axis.
    internal override Expr Batch(Expr node, IReadOnlyList<Expr> inputs, IReadOnlyList<bool> batched) =>
        Expr.Make(new ExpandDimsOp(Batching.Shift(Axes)), inputs[0]);
}

public static partial class Ops
{
    /// <summary>Inserts axes of length 1 at the given positions (positions in the result; negative counts from the end).</summary>
    public static Expr ExpandDims(Expr x, params int[] axes)
    {
        var rank = x.Rank + axes.Length;
        var normalized = axes.Select(a => new Shape(new int[rank]).NormalizeAxis(a, "ExpandDims")).Distinct().Order().ToArray();
        if (normalized.Length != axes.Length)
        {
            throw new ShapeException($"ExpandDims: axes must be distinct; given [{string.Join(", ", axes)}].");
        }
        return normalized.Length == 0 ? x : Expr.Make(new ExpandDimsOp(new IntList(normalized)), x);
    }
}
