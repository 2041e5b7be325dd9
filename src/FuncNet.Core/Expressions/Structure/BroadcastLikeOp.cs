using FuncNet.Expressions;
using FuncNet.Lowering;
using FuncNet.Tensors;

namespace FuncNet;

/// <summary>Broadcasts x to the shape of a reference node (whose values are not read). The adjoint of <see cref="SumToOp"/>.</summary>
internal sealed record BroadcastLikeOp : Op
{
    public override string Name => "BroadcastLike";

    // Lowering: the first input copied out to the second's shape (the second is not read).
    internal override KernelKind Lower(IReadOnlyList<Shape> inputs, IReadOnlyList<DType> dtypes, Shape shape, DType dtype) =>
        StridedCopyKind.Broadcast(inputs[0], shape);

    internal override (Shape, DType) Infer(IReadOnlyList<Shape> shapes, IReadOnlyList<DType> dtypes)
    {
        if (!shapes[0].BroadcastsTo(shapes[1]))
        {
            throw new ShapeException($"{Name}: shape {shapes[0]} does not broadcast to {shapes[1]}.");
        }
        return (shapes[1], dtypes[0]);
    }

    internal override Tensor Reference(IReadOnlyList<Tensor> inputs, Shape outputShape, DType outputDType)
    {
        var map = Broadcasting.SourceIndices(inputs[0].Shape, outputShape);
        return Tensor.FromSpan(outputShape, map.Select(inputs[0].GetDouble).ToArray(), outputDType);
    }

    internal override Expr?[] Vjp(Expr node, Expr gradient) => [Ops.SumToShapeOf(gradient, node.Inputs[0]), null];

    internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents) =>
        tangents[0] is { } t ? Ops.BroadcastLike(t, node.Inputs[1]) : null;

    internal override string Format(IReadOnlyList<string> inputs) => $"BroadcastLike({inputs[0]}, {inputs[1]})";

    // Batching: the reference gets the batch axis; a batched x is lifted to the reference's rank behind it.
    internal override Expr Batch(Expr node, IReadOnlyList<Expr> inputs, IReadOnlyList<bool> batched) =>
        Expr.Make(this, Batching.AlignBatched(inputs, batched, node.Rank)[0], Batching.AllBatched(inputs, batched)[1]);
}

public static partial class Ops
{
    /// <summary>
    /// Broadcasts <paramref name="x"/> to the shape of <paramref name="like"/>, whose values are not used;
    /// works when that shape is known only at run time. Returns x itself when the shapes already agree.
    /// </summary>
    public static Expr BroadcastLike(Expr x, Expr like) =>
        x.Shape == like.Shape && x.Shape.IsFullyKnown ? x : Expr.Make(new BroadcastLikeOp(), x, like);
}
