namespace FuncNet;

/// <summary>Broadcasts x to a fixed shape, numpy style.</summary>
internal sealed record BroadcastToOp(Shape Target) : Op
{
    public override string Name => "BroadcastTo";

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
}

public static partial class Ops
{
    /// <summary>Broadcasts <paramref name="x"/> to <paramref name="shape"/> with numpy rules.</summary>
    public static Expr BroadcastTo(Expr x, Shape shape) =>
        x.Shape == shape && shape.IsFullyKnown ? x : Expr.Make(new BroadcastToOp(shape), x);
}
