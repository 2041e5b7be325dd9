using FuncNet.Expressions;
using FuncNet.Lowering;

namespace FuncNet;

/// <summary>
/// Slices of x along Axis picked by Int32 indices of any shape (numpy's <c>take</c>; with BatchDims, TensorFlow's
/// <c>tf.gather(batch_dims=…)</c>, where the first BatchDims axes of x and the indices are matched, not indexed).
/// Indices outside [0, length) are an <see cref="IndexException"/> when the plan runs. Differentiable in x (its
/// adjoint is <see cref="ScatterAddOp"/>); the indices get no gradient.
/// </summary>
internal sealed record GatherOp(int Axis, int BatchDims) : Op
{
    public override string Name => "Gather";

    // Lowering: a gather of whole inner slices, bounds-checked, on every backend that implements the kind.
    internal override KernelKind Lower(IReadOnlyList<Shape> inputs, IReadOnlyList<DType> dtypes, Shape shape, DType dtype) =>
        new GatherKind(GatherGeometry.Of(inputs[0], inputs[1], Axis, BatchDims), false, Name, Axis, inputs[0], inputs[1]);

    internal override (Shape, DType) Infer(IReadOnlyList<Shape> shapes, IReadOnlyList<DType> dtypes)
    {
        if (dtypes[1] != DType.Int32)
        {
            throw new DTypeException($"{Name}: expected Int32 indices; given {dtypes[1]} indices (shape {shapes[1]}) for x of shape {shapes[0]} {dtypes[0]}.");
        }
        return (GatherGeometry.Gathered(Name, shapes[0], shapes[1], Axis, BatchDims), dtypes[0]);
    }

    internal override Tensor Reference(IReadOnlyList<Tensor> inputs, Shape outputShape, DType outputDType)
    {
        var (x, indices) = (inputs[0], inputs[1]);
        var kind = (GatherKind)Lower([x.Shape, indices.Shape], [x.DType, DType.Int32], outputShape, outputDType);
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
                    for (var i = 0; i < g.Inner; i++) { result[g.Gathered(b, o, k, i)] = x.GetDouble(g.Source(b, o, j, i)); }
                }
            }
        }
        return Tensor.FromSpan(outputShape, result, outputDType);
    }

    internal override Expr?[] Vjp(Expr node, Expr gradient) =>
        [Expr.Make(new ScatterAddOp(Axis, BatchDims), gradient, node.Inputs[1], node.Inputs[0]), null];

    internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents) =>
        tangents[0] is { } t ? Expr.Make(this, t, node.Inputs[1]) : null;

    internal override string Format(IReadOnlyList<string> inputs) =>
        BatchDims == 0 ? $"Take({inputs[0]}, {inputs[1]}, {Axis})" : $"Gather({inputs[0]}, {inputs[1]}, {Axis}, batchDims: {BatchDims})";

    // Batching: indices shared by all rows index the row's axis, now one further in; rows of indices into a
    // shared x along its leading axis are just more indices; otherwise the batch axis becomes one more batch dim.
    internal override Expr Batch(Expr node, IReadOnlyList<Expr> inputs, IReadOnlyList<bool> batched)
    {
        if (BatchDims == 0 && !batched[1])
        {
            return Expr.Make(this with { Axis = Axis + 1 }, inputs[0], inputs[1]);
        }
        if (BatchDims == 0 && Axis == 0 && !batched[0])
        {
            return Expr.Make(this, inputs[0], inputs[1]);
        }
        return Expr.Make(new GatherOp(Axis + 1, BatchDims + 1), Batching.AllBatched(inputs, batched));
    }
}

public static partial class Ops
{
    /// <summary>
    /// The slices of <paramref name="x"/> along <paramref name="axis"/> at Int32 <paramref name="indices"/> of any
    /// shape, as numpy's <c>take</c> (PyTorch's <c>index_select</c> for 1-D indices): the result's shape is x's
    /// axes before <paramref name="axis"/>, then the indices' shape, then x's axes after it. An index may repeat
    /// (the gradient sums); an index outside [0, length) — negative ones included — is an
    /// <see cref="IndexException"/> when the plan runs, on every backend.
    /// </summary>
    public static Expr Take(Expr x, Expr indices, int axis) => Gather(x, indices, axis, 0);

    /// <summary>
    /// <see cref="Take"/> with the first <paramref name="batchDims"/> axes of <paramref name="x"/> and of the
    /// indices matched rather than indexed, as TensorFlow's <c>tf.gather(x, indices, axis, batch_dims)</c>: for
    /// x of shape (n, m) and indices of shape (n, k), <c>Gather(x, indices, 1, 1)</c> is PyTorch's
    /// <c>torch.gather(x, 1, indices)</c>.
    /// </summary>
    public static Expr Gather(Expr x, Expr indices, int axis, int batchDims)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(indices);
        var a = x.Shape.NormalizeAxis(axis, "Gather");
        if (batchDims < 0)
        {
            throw new ShapeException($"Gather: batch dims must be ≥ 0; given {batchDims} for x of shape {x.Shape} and indices of shape {indices.Shape}.");
        }
        return Expr.Make(new GatherOp(a, batchDims), x, indices);
    }

    /// <summary>
    /// The rows of an embedding <paramref name="table"/> (vocabulary × width) for Int32 token <paramref name="ids"/>
    /// of any shape: shape ids.Shape ++ (width). Only the rows looked up get a gradient (summed where ids repeat);
    /// an id outside [0, vocabulary) is an <see cref="IndexException"/> when the plan runs.
    /// </summary>
    public static Expr Embedding(Expr table, Expr ids)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(ids);
        if (table.Rank != 2)
        {
            throw new ShapeException($"Embedding: expected a table of rank 2 (vocabulary, width); given table of shape {table.Shape} and ids of shape {ids.Shape}.");
        }
        return Take(table, ids, 0);
    }
}
