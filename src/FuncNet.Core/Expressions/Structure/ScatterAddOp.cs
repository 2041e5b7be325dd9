using FuncNet.Expressions;
using FuncNet.Lowering;

namespace FuncNet;

/// <summary>
/// Adds slices of updates into zeros of a reference node's shape (values not read) at Int32 indices along Axis:
/// the adjoint of <see cref="GatherOp"/> with the same Axis and BatchDims. Indices may repeat; their slices sum.
/// Indices outside [0, length) are an <see cref="IndexException"/> when the plan runs.
/// </summary>
internal sealed record ScatterAddOp(int Axis, int BatchDims) : Op
{
    public override string Name => "ScatterAdd";

    // Lowering: the adjoint gather kind, bounds-checked, on every backend that implements it.
    internal override KernelKind Lower(IReadOnlyList<Shape> inputs, IReadOnlyList<DType> dtypes, Shape shape, DType dtype) =>
        new GatherKind(GatherGeometry.Of(shape, inputs[1], Axis, BatchDims), true, Name, Axis, shape, inputs[1]);

    internal override (Shape, DType) Infer(IReadOnlyList<Shape> shapes, IReadOnlyList<DType> dtypes)
    {
        var (updates, indices, target) = (shapes[0], shapes[1], shapes[2]);
        if (dtypes[1] != DType.Int32)
        {
            throw new DTypeException($"{Name}: expected Int32 indices; given {dtypes[1]} indices (shape {indices}) for updates of shape {updates}.");
        }
        if (dtypes[0] != dtypes[2])
        {
            throw new DTypeException($"{Name}: expected updates of the target's dtype {dtypes[2]}; given {dtypes[0]}.");
        }
        var expected = GatherGeometry.Gathered(Name, target, indices, Axis, BatchDims);
        if (!expected.IsCompatibleWith(updates))
        {
            throw new ShapeException(
                $"{Name}: updates into shape {target} at indices of shape {indices} along axis {Axis} must have shape {expected}; given {updates}.");
        }
        return (target, dtypes[0]);
    }

    internal override Tensor Reference(IReadOnlyList<Tensor> inputs, Shape outputShape, DType outputDType)
    {
        var (updates, indices) = (inputs[0], inputs[1]);
        var kind = (GatherKind)Lower([updates.Shape, indices.Shape, outputShape], [updates.DType, DType.Int32, outputDType], outputShape, outputDType);
        var g = kind.Geometry;
        var index = indices.ToIntArray();
        kind.CheckIndices(index);
        var result = new double[outputShape.Size];
        for (var b = 0; b < g.Batch; b++)
        {
            for (var o = 0; o < g.Outer; o++)
            {
                for (var k = 0; k < g.Count; k++)
                {
                    var j = index[b * g.Count + k];
                    for (var i = 0; i < g.Inner; i++) { result[g.Source(b, o, j, i)] += updates.GetDouble(g.Gathered(b, o, k, i)); }
                }
            }
        }
        return Tensor.FromSpan(outputShape, result, outputDType);
    }

    internal override Expr?[] Vjp(Expr node, Expr gradient) =>
        [Expr.Make(new GatherOp(Axis, BatchDims), gradient, node.Inputs[1]), null, null];

    internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents) =>
        tangents[0] is { } t ? Expr.Make(this, t, node.Inputs[1], node.Inputs[2]) : null;

    internal override string Format(IReadOnlyList<string> inputs) =>
        $"ScatterAdd({inputs[0]}, {inputs[1]}, like: {inputs[2]}, {Axis}{(BatchDims == 0 ? "" : $", batchDims: {BatchDims}")})";

    // Batching: as Gather's; the reference only lends its shape, so it is repeated along the batch axis when needed.
    internal override Expr Batch(Expr node, IReadOnlyList<Expr> inputs, IReadOnlyList<bool> batched)
    {
        if (BatchDims == 0 && !batched[1])
        {
            var both = Batching.AllBatched([inputs[0], inputs[2]], [batched[0], batched[2]]);
            return Expr.Make(this with { Axis = Axis + 1 }, both[0], inputs[1], both[1]);
        }
        return Expr.Make(new ScatterAddOp(Axis + 1, BatchDims + 1), Batching.AllBatched(inputs, batched));
    }
}

public static partial class Ops
{
    /// <summary>
    /// Zeros of <paramref name="like"/>'s shape and dtype (its values are not read) with the slices of
    /// <paramref name="updates"/> added at <paramref name="indices"/> along <paramref name="axis"/>: the adjoint of
    /// <see cref="Take"/>, so <c>updates</c> has the shape <c>Take(like, indices, axis)</c> would have. Repeated
    /// indices sum (PyTorch's <c>index_add</c>); an index outside [0, length) is an <see cref="IndexException"/>.
    /// </summary>
    public static Expr ScatterAdd(Expr updates, Expr indices, Expr like, int axis)
    {
        ArgumentNullException.ThrowIfNull(updates);
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(like);
        return Expr.Make(new ScatterAddOp(like.Shape.NormalizeAxis(axis, "ScatterAdd"), 0), updates, indices, like);
    }
}
