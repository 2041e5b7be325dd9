using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using FuncNet.Testing;
using FuncNet.Tests.Support;
using FuncNet.Expressions;
using FuncNet.Rewriting;
using static FuncNet.Ops;

namespace FuncNet.Tests.Rewriting;

/// <summary>
/// Fusion is a rewrite like the others: it must preserve values, and a fused graph (maps whose bodies compose
/// several ops) must differentiate exactly like the unfused one, to any order.
/// </summary>
public class FusionTests
{
    private static Tensor[] RunAsWritten(Expr[] outputs, Dictionary<Expr, Tensor> feeds)
    {
        using var plan = Plan.CompileUnrewritten(outputs, Backend.Reference);
        return plan.Run(feeds);
    }

    [Fact]
    public void ChainsBecomeOneMapAndSharedValuesStayOutside()
    {
        var x = Expr.Placeholder("x", 4, 3);
        var b = Expr.Placeholder("b", 3);
        var shared = Exp(x);
        var y = Sigmoid(shared * 2.0 + b) + Tanh(shared);
        var fused = Fusion.Fuse([y])[0];
        Assert.IsType<MapOp>(fused.Op);
        // Exp(x) has two users, so it is computed once and fed to the map rather than recomputed inside it.
        Assert.Contains(fused.Inputs, i => i.Op is ExpOp);
        Assert.True(Graph.NodeCount(fused) < Graph.NodeCount(y));
    }

    /// <summary>Regression (found by the property below): a group fed only by scalar constants has no leaf to take its shape from.</summary>
    [Fact]
    public void AGroupFedOnlyByScalarConstantsKeepsThemAsInputs()
    {
        var c = Expr.Constant(0.5, DType.Float64);
        var y = Sigmoid(c * 2.0 + 1.0);
        var fused = Fusion.Fuse([y])[0];
        Assert.Equal(1 / (1 + Math.Exp(-2.0)), RunAsWritten([fused], [])[0].ToScalar(), 15);
    }

    /// <summary>
    /// A one-element constant broadcast to a map's shape (what the gradient of 0.5·ΣSquare produces) is read
    /// inside the map as the scalar: no broadcast kernel, same values; a broadcast that alone gives the map
    /// its shape stays an input.
    /// </summary>
    [Fact]
    public void ScalarBroadcastsIntoAMapAreReadAsTheScalar()
    {
        var x = Expr.Placeholder("x", 4, 1);
        var half = Expr.Constant(Tensor.Create(Shape.Of(1, 1), [0.5]));
        var y = Sigmoid(x) * (BroadcastLike(half, x) * x);
        var fused = Fusion.Fuse([y])[0];
        Assert.IsType<MapOp>(fused.Op);
        Assert.DoesNotContain(GraphWalk.Topological([fused]), n => n.Op is BroadcastLikeOp);
        var feeds = new Dictionary<Expr, Tensor> { [x] = Tensor.Create(Shape.Of(4, 1), [-1.0, 0.0, 0.5, 2.0]) };
        Assert.True(RunAsWritten([fused], feeds)[0].AllClose(RunAsWritten([y], feeds)[0], 1e-15, 1e-15));

        var scalar = Expr.Placeholder("s", Shape.Scalar, DType.Float64);
        var wide = Exp(BroadcastTo(scalar, Shape.Of(2, 3)));
        var kept = Fusion.Fuse([wide])[0];
        Assert.Equal(Shape.Of(2, 3), kept.Shape);
        Assert.Contains(GraphWalk.Topological([kept]), n => n.Op is BroadcastToOp);
    }

    [Property(MaxTest = 40)]
    public Property FusedGraphsKeepTheirValuesAndGradients() =>
        Prop.ForAll(RandomExpr.Programs(ExprDomain.Smooth), p =>
        {
            var e = p.Build();
            var fused = Fusion.Fuse([e.Output])[0];
            var inputs = e.Inputs.ToArray();
            Expr[] plain = [e.Output, .. Gradients(ReduceSum(Square(e.Output)), inputs)];
            Expr[] viaFusion = [fused, .. Gradients(ReduceSum(Square(fused)), inputs)];
            var expected = RunAsWritten(plain, e.Feeds);
            var actual = RunAsWritten(viaFusion, e.Feeds);
            for (var i = 0; i < expected.Length; i++)
            {
                Assert.True(actual[i].AllClose(expected[i], 1e-10, 1e-10), $"output {i}\n{p}");
            }
        });

    [Fact]
    public void SecondDerivativesThroughAFusedMap()
    {
        var x = Expr.Placeholder("x", 5);
        var y = ReduceSum(Sigmoid(x * x + 1.0) * Tanh(x));
        var fused = Fusion.Fuse([y])[0];
        var feeds = new Dictionary<Expr, Tensor> { [x] = Tensor.FromArray(new[] { -1.5, -0.2, 0.0, 0.7, 2.0 }) };
        Assert.Contains(GraphWalk.Topological([fused]), n => n.Op is MapOp);
        var expected = RunAsWritten([Gradient(ReduceSum(Gradient(y, x) * 3.0), x)], feeds)[0];
        var actual = RunAsWritten([Gradient(ReduceSum(Gradient(fused, x) * 3.0), x)], feeds)[0];
        Assert.True(actual.AllClose(expected, 1e-10, 1e-12));
    }
}
