using FuncNet.Expressions;

using static FuncNet.Ops;

namespace FuncNet.Linq.Tests;

/// <summary>Each query form equals the explicit Ops expression it stands for.</summary>
public class QueryFormTests
{
    private static readonly Tensor X = Check.Random(1, 2, 3);
    private static readonly Tensor Y = Check.Random(2, 3);

    [Fact]
    public void SelectIsOneMapNodeEqualToTheExplicitOps()
    {
        var x = Expr.Placeholder("x", X.Shape);
        var query = from a in x select Sigmoid(a) * 2.0 + a;
        Assert.Same(Map(x, a => Sigmoid(a) * 2.0 + a), query);
        Assert.Equal("Map", query.Op.Name);
        Check.Close((Sigmoid(x) * 2.0 + x).Eval((x, X)), query.Eval((x, X)));
    }

    [Fact]
    public void LetIsASharedNodeOfTheBody()
    {
        var x = Expr.Placeholder("x", X.Shape);
        var query = from a in x let e = Exp(a) select e * e + e;
        // Hash-consing: the let value is the same node each time the body uses it, so tracing it again gives the same map.
        Assert.Same(Map(x, a => Exp(a) * Exp(a) + Exp(a)), query);
        Check.Close((Exp(x) * Exp(x) + Exp(x)).Eval((x, X)), query.Eval((x, X)));
    }

    [Fact]
    public void ZipIsTheBroadcastElementwiseMap()
    {
        Expr x = Expr.Placeholder("x", X.Shape), y = Expr.Placeholder("y", Y.Shape);
        var query = x.Zip(y, (a, b) => a * b - Tanh(b));
        Assert.Same(Map(x, y, (a, b) => a * b - Tanh(b)), query);
        Assert.Equal(Shape.Of(2, 3), query.Shape);
        Check.Close((x * y - Tanh(y)).Eval((x, X), (y, Y)), query.Eval((x, X), (y, Y)));
    }

    [Fact]
    public void SelectManyIsTheOuterProduct()
    {
        Expr x = Expr.Placeholder("x", X.Shape), y = Expr.Placeholder("y", Y.Shape);
        var query = from a in x from b in y select a * b + 1.0;
        Assert.Equal(Shape.Of(2, 3, 3), query.Shape);
        var explicitOps = ExpandDims(x, 2) * y + 1.0;
        Check.Close(explicitOps.Eval((x, X), (y, Y)), query.Eval((x, X), (y, Y)));
        var xs = X.ToDoubleArray();
        var ys = Y.ToDoubleArray();
        var linq = (from a in xs from b in ys select a * b + 1.0).ToArray();
        Check.Close(Tensor.Create(Shape.Of(2, 3, 3), linq), query.Eval((x, X), (y, Y)));
    }

    [Fact]
    public void ThreeFromsAndALetCompileToOneMap()
    {
        Expr x = Expr.Placeholder("x", 2), y = Expr.Placeholder("y", 3), z = Expr.Placeholder("z", 2);
        Tensor tx = Check.Random(3, 2), ty = Check.Random(4, 3), tz = Check.Random(5, 2);
        var query = from a in x from b in y let s = a + b from c in z select s * c;
        Assert.Equal(Shape.Of(2, 3, 2), query.Shape);
        Assert.Equal("Map", query.Op.Name);
        var linq = (from a in tx.ToDoubleArray() from b in ty.ToDoubleArray() let s = a + b from c in tz.ToDoubleArray() select s * c).ToArray();
        Check.Close(Tensor.Create(Shape.Of(2, 3, 2), linq), query.Eval((x, tx), (y, ty), (z, tz)));
    }

    [Fact]
    public void WhereAggregatesEqualLinqToObjects()
    {
        var x = Expr.Placeholder("x", X.Shape);
        var kept = from a in x where a > 0.0 select a * 3.0;
        var elements = X.ToDoubleArray().Where(a => a > 0).Select(a => a * 3.0).ToArray();
        Assert.NotEmpty(elements);
        Assert.Equal(elements.Sum(), kept.Sum().Eval((x, X)).ToScalar(), 12);
        Assert.Equal(elements.Average(), kept.Average().Eval((x, X)).ToScalar(), 12);
        Assert.Equal(elements.Max(), kept.Max().Eval((x, X)).ToScalar(), 12);
        Assert.Equal(elements.Min(), kept.Min().Eval((x, X)).ToScalar(), 12);
        Assert.Equal(elements.Length, kept.Count().Eval((x, X)).ToScalar());
        // The explicit Ops: the aggregates are masked reductions.
        Check.Close(ReduceSum(Where(Greater(x, 0.0), x * 3.0, 0.0)).Eval((x, X)), kept.Sum().Eval((x, X)));
        // Materialized, masked elements are zero.
        Expr materialized = kept;
        Check.Close(Where(Greater(x, 0.0), x * 3.0, 0.0).Eval((x, X)), materialized.Eval((x, X)));
    }

    [Fact]
    public void WhereAggregatesPerAxis()
    {
        var x = Expr.Placeholder("x", X.Shape);
        var kept = x.Where(a => a < 0.5);
        var rows = X.ToArray2D();
        for (var axis = 0; axis < 2; axis++)
        {
            var sums = kept.Sum(axis).Eval((x, X)).ToDoubleArray();
            var counts = kept.Count(axis).Eval((x, X)).ToDoubleArray();
            var lanes = axis == 0
                ? Enumerable.Range(0, 3).Select(j => Enumerable.Range(0, 2).Select(i => rows[i, j]))
                : Enumerable.Range(0, 2).Select(i => Enumerable.Range(0, 3).Select(j => rows[i, j]));
            var expected = lanes.Select(l => l.Where(a => a < 0.5).ToArray()).ToArray();
            Assert.Equal(expected.Select(e => e.Sum()), sums, (p, q) => Math.Abs(p - q) < 1e-12);
            Assert.Equal(expected.Select(e => (double)e.Length), counts);
        }
    }

    [Fact]
    public void LetAndWhereTogether()
    {
        var x = Expr.Placeholder("x", X.Shape);
        var query = from a in x let sq = a * a where sq < 1.0 select sq + a;
        var expected = X.ToDoubleArray().Select(a => (a, sq: a * a)).Where(t => t.sq < 1.0).Select(t => t.sq + t.a).ToArray();
        Assert.Equal(expected.Sum(), query.Sum().Eval((x, X)).ToScalar(), 12);
        Assert.Equal(expected.Length, query.Count().Eval((x, X)).ToScalar());
    }

    [Fact]
    public void PlainAggregatesAreTheReductions()
    {
        var x = Expr.Placeholder("x", X.Shape);
        Assert.Same(ReduceSum(x, 1), x.Sum(1));
        Assert.Same(ReduceMax(x), x.Max());
        Check.Close(ReduceMean(x, 0).Eval((x, X)), x.Average(0).Eval((x, X)));
        Check.Close(ReduceMin(x).Eval((x, X)), x.Min().Eval((x, X)));
        Assert.Equal(6.0, x.Count().Eval((x, X)).ToScalar());
        Assert.Equal(3.0, x.Count(1).Eval((x, X)).ToScalar());
    }

    [Fact]
    public void RowsSelectIsAVectorizedMapOverTheLeadingAxis()
    {
        var x = Expr.Placeholder("x", -1, 3);
        var w = Expr.Constant(Check.Random(7, 3, 4));
        var query = from row in x.Rows() select Softmax(MatMul(row, w));
        Assert.Equal(Shape.Of(-1, 4), query.Shape);
        // The explicit Ops for this g: the matrix product of the whole batch.
        Check.Close(Softmax(MatMul(x, w)).Eval((x, X)), query.Eval((x, X)));
        // No node of the result is the row stand-in: the rows are batched, not looped over.
        Assert.DoesNotContain(GraphWalk.Topological([query]), n => n.Name == "row");
    }

    [Fact]
    public void RowsWithLet()
    {
        var x = Expr.Placeholder("x", X.Shape);
        var query = from row in x.Rows() let m = ReduceMax(row) select Exp(row - m) / ReduceSum(Exp(row - m));
        Check.Close(Softmax(x).Eval((x, X)), query.Eval((x, X)), 1e-12);
    }
}
