using FuncNet.Tests.Support;
using static FuncNet.Ops;

namespace FuncNet.Tests.Compilation;

/// <summary>
/// A plan run from 8 threads at once reports each run's facts as one value: half the threads replay a
/// recording, half feed a variable (which always runs eagerly, with a reason), so a mixture of two runs'
/// facts (replayed, yet with a fallback reason; or neither) would show.
/// </summary>
public class PlanRunInfoTests
{
    [Fact]
    public void RunFactsFromEightThreadsAreNeverAMixtureOfTwoRuns()
    {
        var x = Expr.Placeholder("x", Shape.Of(-1, 3));
        var w = Expr.Variable("w", Tensor.FromSpan(Shape.Of(3, 2), [0.1, -0.2, 0.3, 0.4, -0.5, 0.6], DType.Float64));
        var y = Tanh(MatMul(x, w)) * 2.0 + 1.0;
        using var backend = new RecordingBackend();
        using var plan = Plan.Compile([y], backend);
        var input = Tensor.FromSpan(Shape.Of(4, 3), Enumerable.Range(0, 12).Select(i => i / 10.0).ToArray(), DType.Float64);
        var plain = new Dictionary<Expr, Tensor> { [x] = input };
        var fedW = new Dictionary<Expr, Tensor> { [x] = input, [w] = Tensor.FromSpan(Shape.Of(3, 2), [1.0, 0, 0, 1, 1, 1], DType.Float64) };

        Assert.Null(plan.LastRun);
        plan.Run(plain);
        var kernels = plan.LastRun!.KernelCount;
        Assert.True(kernels > 0);

        var problems = new System.Collections.Concurrent.ConcurrentBag<string>();
        var replayed = 0;
        void Check(PlanRunInfo? info, string who)
        {
            if (info is null) { problems.Add($"{who}: no run info after a run"); return; }
            if (info.Replayed != info.GraphFallbackReason is null) { problems.Add($"{who}: replayed={info.Replayed} with reason '{info.GraphFallbackReason}'"); }
            if (info.KernelCount != kernels) { problems.Add($"{who}: {info.KernelCount} kernels, expected {kernels}"); }
        }
        using var start = new Barrier(8);
        var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < 200; i++)
            {
                var result = plan.Run(t % 2 == 0 ? plain : fedW);
                Assert.Equal(Shape.Of(4, 2), result[0].Shape);
                var info = plan.LastRun;
                Check(info, $"thread {t}, run {i}");
                if (info is { Replayed: true }) { Interlocked.Increment(ref replayed); }
            }
        })).ToArray();
        foreach (var thread in threads) { thread.Start(); }
        foreach (var thread in threads) { thread.Join(); }

        Assert.Empty(problems);
        Assert.True(replayed > 0, "no run observed a replay");
        Assert.True(plan.GraphCaptures >= 1);
        Assert.Equal(backend.Captures, plan.GraphCaptures);
        plan.Run(fedW);
        Assert.Equal(new PlanRunInfo(kernels, false, "a variable was fed (its storage is bound for this run only)"), plan.LastRun);
        Assert.False(plan.LastRunReplayed);
        Assert.Equal(kernels, plan.LastRunKernelCount);
    }
}
