using static FuncNet.Ops;

namespace FuncNet.Tests.Compilation;

/// <summary>Plans run each node once, specialize unknown dimensions per fed shape, and release what they hold.</summary>
public class PlanTests
{
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
