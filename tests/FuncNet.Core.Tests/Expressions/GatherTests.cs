using FuncNet.Layers;
using FuncNet.Expressions;
using FuncNet.Transforms;
using static FuncNet.Ops;

namespace FuncNet.Tests.Expressions;

/// <summary>Take / Gather, ScatterAdd and Embedding: shapes as numpy and TensorFlow give them, values, gradients with repeats, batching, and bad indices.</summary>
public class GatherTests
{
    private static Expr Ints(int[] values, params int[] shape) => Expr.Constant(Tensor.Create(Shape.Of(shape), values));

    private static readonly Tensor X34 = Tensor.Create(Shape.Of(3, 4), Enumerable.Range(0, 12).Select(i => (double)i).ToArray());

    [Fact]
    public void TakeHasNumpysShapeAndValues()
    {
        var x = Expr.Constant(X34);
        var rows = Take(x, Ints([2, 0, 2, 1], 2, 2), 0);
        Assert.Equal(Shape.Of(2, 2, 4), rows.Shape);
        Assert.Equal(new double[] { 8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11, 4, 5, 6, 7 }, rows.Eval().ToDoubleArray());
        var columns = Take(x, Ints([3, 3, 0], 3), -1);
        Assert.Equal(Shape.Of(3, 3), columns.Shape);
        Assert.Equal(new double[] { 3, 3, 0, 7, 7, 4, 11, 11, 8 }, columns.Eval().ToDoubleArray());
        var scalarIndex = Take(x, Expr.Constant(Tensor.Create(Shape.Scalar, [1])), 1);
        Assert.Equal(Shape.Of(3), scalarIndex.Shape);
        Assert.Equal(new double[] { 1, 5, 9 }, scalarIndex.Eval().ToDoubleArray());
    }

    [Fact]
    public void GatherWithABatchDimIsTorchGatherAlongColumns()
    {
        var picked = Gather(Expr.Constant(X34), Ints([0, 3, 2, 2, 1, 0], 3, 2), 1, 1);
        Assert.Equal(Shape.Of(3, 2), picked.Shape);
        Assert.Equal(new double[] { 0, 3, 6, 6, 9, 8 }, picked.Eval().ToDoubleArray());
    }

    [Fact]
    public void RepeatedIndicesSumTheirGradients()
    {
        var x = Expr.Placeholder("x", Shape.Of(3, 4));
        var g = Gradient(ReduceSum(Take(x, Ints([2, 0, 2], 3), 0)), x).Eval((x, X34));
        Assert.Equal(new double[] { 1, 1, 1, 1, 0, 0, 0, 0, 2, 2, 2, 2 }, g.ToDoubleArray());
        var scattered = ScatterAdd(Expr.Constant(Tensor.Ones(Shape.Of(3, 2))), Ints([1, 1], 2), Expr.Constant(X34), 1);
        Assert.Equal(new double[] { 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0 }, scattered.Eval().ToDoubleArray());
    }

    [Fact]
    public void BatchingOverRowsMatchesEachRow()
    {
        var x = Expr.Placeholder("x", Shape.Of(3, 4));
        var xs = Tensor.Create(Shape.Of(3, 4), Enumerable.Range(0, 12).Select(i => i * 0.5 - 2).ToArray());
        var shared = Ints([3, 1], 2);
        // x batched, shared indices; then a shared x with batched indices; then both batched (a batch dim).
        var perRow = Vmap.Apply(x, row => Square(Take(row, shared, 0)), "test").Eval((x, xs));
        Assert.Equal(Square(Take(x, shared, 1)).Eval((x, xs)), perRow);
        var ids = Expr.Placeholder("ids", Shape.Of(2, 3), DType.Int32);
        var idValues = Tensor.Create(Shape.Of(2, 3), [0, 2, 2, 1, 0, 1]);
        var table = Expr.Constant(X34);
        Assert.Equal(Embedding(table, ids).Eval((ids, idValues)), Vmap.Apply(ids, r => Embedding(table, r), "test").Eval((ids, idValues)));
        var (xRow, iRow) = (Expr.Placeholder("xr", Shape.Of(4)), Expr.Placeholder("ir", Shape.Of(2), DType.Int32));
        var perRowIds = Expr.Placeholder("perRow", Shape.Of(3, 2), DType.Int32);
        var both = Vmap.Rebuild(Take(xRow, iRow, 0) * 2.0, [xRow, iRow], [x, perRowIds], [true, true], x);
        var perRowFeed = Tensor.Create(Shape.Of(3, 2), [3, 0, 1, 1, 2, 3]);
        Assert.Equal(new[] { -0.5, -2, 0.5, 0.5, 3, 3.5 }.Select(v => v * 2), both.Eval((x, xs), (perRowIds, perRowFeed)).ToDoubleArray());
        // Gradients through the batched form agree with the unbatched one.
        var w = Expr.Placeholder("w", Shape.Of(3, 4));
        var batchedLoss = ReduceSum(Vmap.Apply(w, row => Take(row, shared, 0), "test") * 3.0);
        Assert.Equal(Gradient(ReduceSum(Take(w, shared, 1) * 3.0), w).Eval((w, xs)), Gradient(batchedLoss, w).Eval((w, xs)));
    }

    [Fact]
    public void AnIndexOutOfRangeIsAnErrorWhenThePlanRunsNamingTheIndexAndTheAxisLength()
    {
        var x = Expr.Placeholder("x", Shape.Of(3, 4));
        var i = Expr.Placeholder("i", Shape.Of(2), DType.Int32);
        var take = Take(x, i, 0);
        var e = Assert.Throws<IndexException>(() => take.Eval((x, X34), (i, Tensor.FromArray(new[] { 1, 3 }))));
        Assert.Contains("Gather: index 3 (at flat position 1 of indices of shape (2,)) is out of range for axis 0 of length 3", e.Message);
        Assert.Contains("index -1", Assert.Throws<IndexException>(() => take.Eval((x, X34), (i, Tensor.FromArray(new[] { -1, 0 })))).Message);
        var scatter = ScatterAdd(Expr.Constant(Tensor.Ones(Shape.Of(2, 4))), i, x, 0);
        Assert.Contains("ScatterAdd: index 7", Assert.Throws<IndexException>(() => scatter.Eval((x, X34), (i, Tensor.FromArray(new[] { 0, 7 })))).Message);
    }

    [Fact]
    public void BadShapesAndDTypesNameTheOpAndBothShapes()
    {
        var x = Expr.Constant(X34);
        Assert.Contains("expected Int32 indices; given Float64 indices (shape (2,)) for x of shape (3, 4)",
            Assert.Throws<DTypeException>(() => Take(x, Expr.Constant(Tensor.FromArray(new[] { 0.0, 1.0 })), 0)).Message);
        Assert.Contains("the first 1 axes of x and of the indices must agree",
            Assert.Throws<ShapeException>(() => Gather(x, Ints([0, 1], 2, 1), 1, 1)).Message);
        Assert.Contains("axis 2 is out of range", Assert.Throws<ShapeException>(() => Take(x, Ints([0], 1), 2)).Message);
        Assert.Contains("updates into shape (3, 4) at indices of shape (2,) along axis 0 must have shape (2, 4); given (2, 3)",
            Assert.Throws<ShapeException>(() => ScatterAdd(Expr.Constant(Tensor.Ones(Shape.Of(2, 3))), Ints([0, 1], 2), x, 0)).Message);
        Assert.Contains("expected a table of rank 2", Assert.Throws<ShapeException>(() => Embedding(Expr.Constant(Tensor.Ones(Shape.Of(3))), Ints([0], 1))).Message);
    }

    [Fact]
    public void AnEmbeddingLayerLooksUpRowsAndTrainsOnlyThoseSeen()
    {
        var layer = new Embedding(5, 3);
        Assert.Equal("embedding/table", layer.Table.Name);
        Assert.Equal([layer.Table], layer.Variables);
        var ids = Expr.Placeholder("ids", Shape.Of(2, 2), DType.Int32);
        var vectors = layer.Apply(ids);
        Assert.Equal(Shape.Of(2, 2, 3), vectors.Shape);
        var feed = Tensor.Create(Shape.Of(2, 2), [4, 1, 4, 4]);
        var table = layer.Table.InitialValue;
        Assert.Equal(table[4, 2], vectors.Eval((ids, feed))[1, 0, 2]);
        var g = Gradient(ReduceSum(vectors), layer.Table).Eval((ids, feed));
        Assert.Equal(new double[] { 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 3, 3, 3 }, g.ToDoubleArray());
        Assert.Throws<DTypeException>(() => layer.Apply(Expr.Placeholder("f", Shape.Of(2))));
        Assert.Throws<FuncNetException>(() => new Embedding(0, 3));
    }
}
