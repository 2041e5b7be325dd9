using FuncNet.Expressions;
using FuncNet.Lowering;

namespace FuncNet;

/// <summary>Broadcasts x to a fixed shape, numpy style.</summary>
internal sealed record BroadcastToOp(Shape Target) : Op
{
    public override string Name => "BroadcastTo";

    // Lowering: the input copied out to the target shape.
    internal override KernelKind Lower(IReadOnlyList<Shape> inputs, IReadOnlyList<DType> dtypes, Shape shape, DType dtype) =>
        StridedCopyKind.Broadcast(inputs[0], shape);

    internal override (Shape, DType) Infer(IReadOnlyList<Shape> shapes, IReadOnlyList<DType> dtypes)
    {
        if (!shapes[0].BroadcastsTo(Target))
        {
            throw new ShapeException($"{Name}: shape {shapes[0]} does not broadcast to {Target} (numpy rules: aligned at the right, each dimension equal or 1).");
        }
        return (Target, dtypes[0]);
    }

    internal override Tensor Reference(IReadOnlyList<Tensor> inputs, Shape outputShape, DType outputDType) =>
        new BroadcastLikeOp().Reference(inputs, outputShape, outputDType);

    internal override Expr?[] Vjp(Expr node, Expr gradient) => [Ops.SumToShapeOf(gradient, node.Inputs[0])];

    internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents) =>
        tangents[0] is { } t ? Ops.BroadcastTo(t, Target) : null;

    internal override string Format(IReadOnlyList<string> inputs) => $"BroadcastTo({inputs[0]}, {Target})";

    // Batching: broadcast to [batch, ..Target], written with a batched reference because the batch length may be known only at run time.
    internal override Expr Batch(Expr node, IReadOnlyList<Expr> inputs, IReadOnlyList<bool> batched)
    {
        var x = Batching.AlignBatched(inputs, batched, node.Rank)[0];
        return Ops.BroadcastLike(x, Batching.WithBatch(Ops.BroadcastTo(Expr.Constant(0.0, node.DType), Target), x));
    }
}

public static partial class Ops
{
    /// <summary>Broadcasts <paramref name="x"/> to <paramref name="shape"/> with numpy rules.</summary>
    public static Expr BroadcastTo(Expr x, Shape shape) =>
        x.Shape == shape && shape.IsFullyKnown ? x : Expr.Make(new BroadcastToOp(shape), x);
}
