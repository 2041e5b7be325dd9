using static FuncNet.Ops;

namespace FuncNet.Tests.Compilation;

/// <summary>Plans run each node once, specialize unknown dimensions per fed shape, and release what they hold.</summary>
public class PlanTests
{
    /// <summary>
    /// Regression: storage reuse once gave a placeholder the buffer of a temporary of the same shape that a
    /// kernel overwrote after the feed had been copied in.
    /// </summary>
    [Fact]
    public void FeedsDeclaredAfterATemporaryKeepTheirValues()
    {
        var x = Expr.Placeholder("x", Shape.Of(2, 3));
        var mean = Ops.ReduceMean(Ops.Sigmoid(x), 0);
        var late = Expr.Placeholder("late", Shape.Of(3));
        var chosen = Ops.Where(Ops.Greater(mean, mean), mean, late);
        var feeds = new Dictionary<Expr, Tensor> { [x] = Tensor.Create(Shape.Of(2, 3), [1.0, 2, 3, 4, 5, 6]), [late] = Tensor.FromArray(new[] { 7.0, 8, 9 }) };
        using var plan = Plan.CompileUnrewritten([chosen]);
        Assert.Equal(new[] { 7.0, 8, 9 }, plan.Run(feeds)[0].ToArray<double>());
    }

    /// <summary>A plan with assignments run against a store updates variables simultaneously and in place, run after run.</summary>
    [Fact]
    public void AssignmentsUpdateTheStoreSimultaneously()
    {
        var a = Expr.Variable("a", Tensor.FromArray(new[] { 1.0, 2.0 }));
        var b = Expr.Variable("b", Tensor.FromArray(new[] { 10.0, 20.0 }));
        // Swap-and-add: each new value reads the old values of both.
        using var plan = Plan.Compile([Ops.ReduceSum(a * b)], [KeyValuePair.Create(a, b + 1.0), KeyValuePair.Create(b, a * 2.0)], Backend.Reference);
        using var store = new VariableStore(Backend.Reference);
        var first = plan.Run(null, store)[0].ToScalar();
        Assert.Equal(50.0, first);
        Assert.Equal(new[] { 11.0, 21.0 }, store.Get(a).ToArray<double>());
        Assert.Equal(new[] { 2.0, 4.0 }, store.Get(b).ToArray<double>());
        plan.Run(null, store);
        Assert.Equal(new[] { 3.0, 5.0 }, store.Get(a).ToArray<double>());
        Assert.Equal(new[] { 22.0, 42.0 }, store.Get(b).ToArray<double>());
        // Without a store, assignments are discarded and variables read their initial values.
        Assert.Equal(50.0, plan.Run(null)[0].ToScalar());
        Assert.Equal(new[] { 1.0, 2.0 }, a.InitialValue.ToArray<double>());
    }

    [Fact]
    public void SharedNodesRunOnce()
    {
        var x = Expr.Placeholder("x", 3);
        var s = Sigmoid(x);
        var y = s * s + s;
        using var plan = Plan.CompileUnrewritten([y, s]);
        var values = plan.Run(new Dictionary<Expr, Tensor> { [x] = Tensor.FromArray(new[] { 0.0, 1.0, -1.0 }) });
        Assert.Equal(3, plan.LastRunKernelCount);
        Assert.Equal(4, plan.NodeCount);
        Assert.Equal(0.75, values[0][0], 15);
        Assert.Equal(0.5, values[1][0], 15);
        Assert.Equal([x], plan.Placeholders);
    }

    [Fact]
    public void UnknownBatchDimensionIsResolvedPerFeed()
    {
        var x = Expr.Placeholder("x", -1, 2);
        var w = Expr.Constant(Tensor.FromArray(new[,] { { 1.0, 0.0 }, { 0.0, 2.0 } }));
        var y = ReduceMean(MatMul(x, w), 0);
        using var plan = Plan.Compile(y);
        var a = plan.Run(new Dictionary<Expr, Tensor> { [x] = Tensor.FromArray(new[,] { { 1.0, 1.0 }, { 3.0, 3.0 } }) })[0];
        var b = plan.Run(new Dictionary<Expr, Tensor> { [x] = Tensor.FromArray(new[,] { { 1.0, 1.0 }, { 2.0, 2.0 }, { 6.0, 6.0 } }) })[0];
        Assert.Equal(Tensor.FromArray(new[] { 2.0, 4.0 }), a);
        Assert.Equal(Tensor.FromArray(new[] { 3.0, 6.0 }), b);
    }

    [Fact]
    public void RunsLeaveNoLiveBuffersAndDisposeReleasesConstants()
    {
        var backend = new ReferenceBackend();
        var x = Expr.Placeholder("x", 2);
        var y = Exp(x) * Expr.Constant(Tensor.FromArray(new[] { 1.0, 2.0 })) + 1.0;
        var plan = Plan.Compile([y], backend);
        plan.Run(new Dictionary<Expr, Tensor> { [x] = Tensor.FromArray(new[] { 0.0, 0.0 }) });
        plan.Run(new Dictionary<Expr, Tensor> { [x] = Tensor.FromArray(new[] { 1.0, 0.0 }) });
        Assert.True(backend.LiveTensors > 0, "constants stay resident between runs");
        plan.Dispose();
        Assert.Equal(0, backend.LiveTensors);
        Assert.Throws<ObjectDisposedException>(() => plan.Run(new Dictionary<Expr, Tensor>()));
    }
}
