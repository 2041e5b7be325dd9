using static FuncNet.Ops;

namespace FuncNet.Tests.Differentiation;

/// <summary>Cases where the curriculum's TensorSlow goes wrong, and FuncNet must not.</summary>
public class TensorSlowFailureTests
{
    private static Tensor Values(Shape shape, int seed) => FuncNet.Testing.RandomExpr.RandomValues(new Random(seed), shape);

    [Fact]
    public void AddOfXAndSigmoidOfXDifferentiatesInBothOrders()
    {
        var x = Expr.Placeholder("x", 4);
        var v = Values(x.Shape, 1);
        var expected = Tensor.Create(x.Shape, v.ToDoubleArray().Select(a => 1 + Sig(a) * (1 - Sig(a))).ToArray());
        TensorAssert.Close(expected, Gradient(Add(x, Sigmoid(x)), x).Eval((x, v)));
        TensorAssert.Close(expected, Gradient(Add(Sigmoid(x), x), x).Eval((x, v)));
    }

    [Fact]
    public void MatMulOfAWithItselfGivesGATransposePlusATransposeG()
    {
        var a = Expr.Placeholder("A", 3, 3);
        var av = Values(a.Shape, 2).ToArray2D();
        var gv = Values(a.Shape, 3).ToArray2D();
        var grad = Gradients(MatMul(a, a), [a], Expr.Constant(Tensor.FromArray(gv)))[0].Eval((a, Tensor.FromArray(av))).ToArray2D();
        for (var i = 0; i < 3; i++)
        {
            for (var j = 0; j < 3; j++)
            {
                var expected = 0.0;
                for (var k = 0; k < 3; k++) { expected += gv[i, k] * av[j, k] + av[k, i] * gv[k, j]; }
                Assert.Equal(expected, grad[i, j], 12);
            }
        }
    }

    [Fact]
    public void MultiplyWithBroadcastingUnbroadcastsItsGradient()
    {
        var x = Expr.Placeholder("x", 2, 3);
        var b = Expr.Placeholder("b", 3);
        var c = Expr.Placeholder("c", 2, 1);
        var (xv, bv, cv) = (Values(x.Shape, 4), Values(b.Shape, 5), Values(c.Shape, 6));
        var grads = Ops.Eval(Gradients(ReduceSum(x * b * c), x, b, c), new Dictionary<Expr, Tensor> { [x] = xv, [b] = bv, [c] = cv });
        Assert.Equal(Shape.Of(3), grads[1].Shape);
        Assert.Equal(Shape.Of(2, 1), grads[2].Shape);
        var X = xv.ToArray2D();
        for (var j = 0; j < 3; j++)
        {
            Assert.Equal(X[0, j] * cv[0, 0] + X[1, j] * cv[1, 0], grads[1][j], 12);
        }
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(Enumerable.Range(0, 3).Sum(j => X[i, j] * bv[j]), grads[2][i, 0], 12);
        }
    }

    [Fact]
    public void ReduceSumOverSeveralAxes()
    {
        var x = Expr.Placeholder("x", 2, 3, 4);
        var y = ReduceSum(x, 0, 2);
        Assert.Equal(Shape.Of(3), y.Shape);
        var xv = Values(x.Shape, 7);
        var expectedSums = Enumerable.Range(0, 3).Select(j => Enumerable.Range(0, 2).Sum(i => Enumerable.Range(0, 4).Sum(k => xv[i, j, k]))).ToArray();
        TensorAssert.Close(Tensor.FromArray(expectedSums), y.Eval((x, xv)), 1e-12, 1e-12);
        var seed = Tensor.FromArray(new[] { 1.0, 2.0, 3.0 });
        var g = Gradients(y, [x], Expr.Constant(seed))[0].Eval((x, xv));
        for (var i = 0; i < 2; i++)
        {
            for (var j = 0; j < 3; j++)
            {
                for (var k = 0; k < 4; k++) { Assert.Equal(seed[j], g[i, j, k]); }
            }
        }
    }

    [Fact]
    public void SoftmaxOfHugeLogitsIsFinite()
    {
        var z = Expr.Placeholder("z", 2, 3);
        var zv = Tensor.FromArray(new[,] { { 1000.0, -1000.0, 999.0 }, { -1000.0, -1000.0, -999.0 } });
        var p = Softmax(z);
        // Log(p) is finite because the rewriter stabilizes it into LogSoftmax, and so is its gradient: Gradients
        // stabilizes the output before differentiating (otherwise d Log(p) = g / p would divide by an underflowed 0).
        var values = Ops.Eval([p, LogSoftmax(z), Gradient(ReduceSum(p * Expr.Constant(Values(z.Shape, 8))), z), Gradient(ReduceSum(LogSoftmax(z)), z), Log(p),
                               Gradient(ReduceSum(Log(p) * Expr.Constant(Values(z.Shape, 9))), z)],
            new Dictionary<Expr, Tensor> { [z] = zv });
        Assert.All(values, t => Assert.All(t.ToDoubleArray(), v => Assert.True(double.IsFinite(v))));
        var e = 1 / (1 + Math.Exp(-1));
        Assert.Equal(e, values[0][0, 0], 12);
        Assert.Equal(1 - e, values[0][0, 2], 12);
        Assert.Equal(-2000 - Math.Log(1 + Math.Exp(-1)), values[1][0, 1], 9);
        Assert.Equal(values[1], values[4]);
    }

    /// <summary>
    /// A 10,000-op chain evaluates and differentiates on a thread with a 256 KB stack: any recursion over the
    /// depth of the graph would overflow it, so this proves the walks are iterative.
    /// </summary>
    [Fact]
    public void TenThousandOpChainOnASmallStack()
    {
        Exception? failure = null;
        double value = 0, derivative = 0;
        int nodes = 0;
        var thread = new Thread(() =>
        {
            try
            {
                var x = Expr.Placeholder("x");
                var y = x;
                for (var i = 0; i < 5000; i++) { y = y * 0.9999 + 0.0001; }
                nodes = Graph.NodeCount(y);
                var g = Gradient(y, x);
                var r = Ops.Eval([y, g], new Dictionary<Expr, Tensor> { [x] = 0.5 });
                (value, derivative) = (r[0].ToScalar(), r[1].ToScalar());
                _ = g.ToString();
            }
            catch (Exception e)
            {
                failure = e;
            }
        }, 256 * 1024);
        thread.Start();
        thread.Join();
        Assert.Null(failure);
        Assert.True(nodes >= 10_000, $"{nodes} nodes");
        var scale = Math.Pow(0.9999, 5000);
        Assert.Equal(scale * 0.5 + (1 - scale), value, 9);
        Assert.Equal(scale, derivative, 9);
    }

    /// <summary>Thirty nested x + x: a tree of 2³⁰ leaves, but a DAG of 31 nodes, each computed once.</summary>
    [Fact]
    public void NestedAdditionEvaluatesInLinearTime()
    {
        var x = Expr.Placeholder("x");
        var y = x;
        for (var i = 0; i < 30; i++) { y += y; }
        Assert.Equal(31, Graph.NodeCount(y));
        using var plan = Plan.Compile(y);
        var value = plan.Run(new Dictionary<Expr, Tensor> { [x] = 1.5 })[0];
        Assert.Equal(30, plan.LastRunKernelCount);
        Assert.Equal(1.5 * (1 << 30), value.ToScalar());
        var g = Gradient(y, x);
        Assert.True(Graph.NodeCount(g) <= 4 * 31, $"gradient has {Graph.NodeCount(g)} nodes");
        using var gradPlan = Plan.Compile(g);
        Assert.Equal((double)(1 << 30), gradPlan.Run(new Dictionary<Expr, Tensor> { [x] = 1.5 })[0].ToScalar());
        Assert.True(gradPlan.LastRunKernelCount <= 4 * 31);
    }

    private static double Sig(double a) => 1 / (1 + Math.Exp(-a));
}
