using FuncNet.Backends.Cpu;
using static FuncNet.Ops;

namespace FuncNet.Backends.Tests.Reliability;

/// <summary>Runs its tests alone: the managed heap is measured for the whole process, so other tests must not allocate meanwhile.</summary>
[CollectionDefinition(nameof(RunsAlone), DisableParallelization = true)]
public class RunsAlone;

/// <summary>Long runs hold no growing memory: managed heap and backend live-tensor counts stay flat, and disposal returns them to the baseline.</summary>
[Collection(nameof(RunsAlone))]
public class ResourceTests
{
    private static long ManagedBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    [Fact]
    public void TenThousandTrainingStepsKeepMemoryAndLiveTensorsFlat()
    {
        using var backend = CpuBackend.CreateManaged();   // its own instance: other tests do not move its counter
        var baseline = backend.LiveTensors;
        var x = Expr.Placeholder("x", Shape.Of(-1, 4));
        var y = Expr.Placeholder("y", Shape.Of(-1, 1));
        var w = Expr.Variable("w", Tensor.Create(Shape.Of(4, 1), [0.1, -0.2, 0.3, 0.05]));
        var b = Expr.Variable("b", Tensor.FromArray(new[] { 0.0 }));
        var loss = Losses.MeanSquaredError(y, MatMul(x, w) + b);
        var step = new AdamOptimizer(0.01).Minimize(loss);
        var feeds = new Dictionary<Expr, Tensor>
        {
            [x] = Tensor.Create(Shape.Of(8, 4), Enumerable.Range(0, 32).Select(i => Math.Cos(i)).ToArray()),
            [y] = Tensor.Create(Shape.Of(8, 1), Enumerable.Range(0, 8).Select(i => (double)i / 8).ToArray()),
        };
        long afterWarmup = 0, liveAfterWarmup = 0;
        using (var session = new Session(backend))
        {
            for (var i = 0; i < 10_000; i++)
            {
                session.Run(step, feeds);
                if (i == 999)
                {
                    afterWarmup = ManagedBytes();
                    liveAfterWarmup = backend.LiveTensors;
                }
            }
            var end = ManagedBytes();
            Assert.Equal(liveAfterWarmup, backend.LiveTensors);
            // 9,000 more steps may not retain memory; 256 KB allows for JIT and runtime noise, not for a per-step leak.
            Assert.True(end - afterWarmup < 256 * 1024, $"managed memory grew by {end - afterWarmup} bytes over 9,000 steps");
        }
        Assert.Equal(baseline, backend.LiveTensors);
    }

    [Fact]
    public void DisposingAPlanReturnsTheLiveTensorCountToItsBaseline()
    {
        using var backend = CpuBackend.CreateManaged();
        var baseline = backend.LiveTensors;
        var x = Expr.Placeholder("x", Shape.Of(-1, 3));
        var c = Expr.Constant(Tensor.FromArray(new[] { 1.0, 2.0, 3.0 }));
        using (var plan = Plan.Compile([Exp(x * c), ReduceSum(x)], backend))
        {
            plan.Run(new Dictionary<Expr, Tensor> { [x] = Tensor.Ones(Shape.Of(4, 3)) });
            plan.Run(new Dictionary<Expr, Tensor> { [x] = Tensor.Ones(Shape.Of(7, 3)) });
            Assert.True(backend.LiveTensors > baseline);
        }
        Assert.Equal(baseline, backend.LiveTensors);
    }
}
