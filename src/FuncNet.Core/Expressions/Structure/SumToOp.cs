using FuncNet.Expressions;
using FuncNet.Lowering;
using FuncNet.Tensors;

namespace FuncNet;

/// <summary>
/// Sums x down to the shape of a reference node (whose values are not read): the un-broadcasting of a
/// gradient. x's shape must be a broadcast of the target's. The adjoint of <see cref="BroadcastLikeOp"/>.
/// </summary>
internal sealed record SumToOp : Op
{
    public override string Name => "SumTo";

    // Lowering: a sum over the axes along which the target broadcasts.
    internal override KernelKind Lower(IReadOnlyList<Shape> inputs, IReadOnlyList<DType> dtypes, Shape shape, DType dtype) =>
        ReductionKind.Over(inputs[0], Broadcasting.BroadcastAxes(shape, inputs[0]), max: false);

    internal override (Shape, DType) Infer(IReadOnlyList<Shape> shapes, IReadOnlyList<DType> dtypes)
    {
        if (!shapes[1].BroadcastsTo(shapes[0]))
        {
            throw new ShapeException($"{Name}: shape {shapes[0]} cannot be summed to {shapes[1]}; the target must broadcast to the source.");
        }
        return (shapes[1], dtypes[0]);
    }

    internal override Tensor Reference(IReadOnlyList<Tensor> inputs, Shape outputShape, DType outputDType)
    {
        var source = inputs[0];
        var map = Broadcasting.SourceIndices(outputShape, source.Shape);
        var sums = new double[outputShape.Size];
        for (var k = 0; k < map.Length; k++)
        {
            sums[map[k]] += source.GetDouble(k);
        }
        return Tensor.FromSpan(outputShape, sums, outputDType);
    }

    internal override Expr?[] Vjp(Expr node, Expr gradient) => [Ops.BroadcastLike(gradient, node.Inputs[0]), null];

    internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents) =>
        tangents[0] is { } t ? Ops.SumToShapeOf(t, node.Inputs[1]) : null;

    internal override string Format(IReadOnlyList<string> inputs) => $"SumTo({inputs[0]}, {inputs[1]})";

    // Batching: both get the batch axis; the row axes the target lacks are summed first so that the batch axes line up.
    internal override Expr Batch(Expr node, IReadOnlyList<Expr> inputs, IReadOnlyList<bool> batched)
    {
        var all = Batching.AllBatched(inputs, batched);
        var extra = all[0].Rank - all[1].Rank;
        var x = extra > 0 ? Ops.ReduceSum(all[0], Enumerable.Range(1, extra).ToArray()) : all[0];
        return Ops.SumToShapeOf(x, all[1]);
    }
}

public static partial class Ops
{
    /// <summary>
    /// Sums <paramref name="x"/> over the axes along which <paramref name="like"/>'s shape would have been
    /// broadcast to reach x's, giving like's shape: how gradients of broadcasting ops are un-broadcast.
    /// Returns x itself when the shapes already agree.
    /// </summary>
    public static Expr SumToShapeOf(Expr x, Expr like) =>
        x.Shape == like.Shape && x.Shape.IsFullyKnown ? x : Expr.Make(new SumToOp(), x, like);
}
