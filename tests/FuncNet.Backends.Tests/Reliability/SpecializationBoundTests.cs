using FuncNet.Backends.Cpu;
using static FuncNet.Ops;

namespace FuncNet.Backends.Tests.Reliability;

/// <summary>
/// A plan fed ever-changing shapes holds bounded memory: it keeps its <see cref="Plan.SpecializationLimit"/>
/// most recently used shape sets (evicting the least recently used, never while a run uses it), and the CPU
/// backend's pool of released arrays keeps at most <see cref="CpuBackend.PoolLimitBytes"/>.
/// </summary>
[Collection(nameof(RunsAlone))]
public class SpecializationBoundTests
{
    private const int Width = 32;

    private static long ManagedBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static (Expr[] Outputs, Expr X) Model()
    {
        var x = Expr.Placeholder("x", Shape.Of(-1, Width));
        var w = Expr.Constant(Tensor.Create(Shape.Of(Width, 16), Enumerable.Range(0, Width * 16).Select(i => Math.Sin(i) / 4).ToArray()));
        var h = Tanh(MatMul(x, w));
        return ([h, ReduceSum(h * h)], x);
    }

    private static Dictionary<Expr, Tensor> Feed(Expr x, int rows) =>
        new() { [x] = Tensor.Create(Shape.Of(rows, Width), Enumerable.Range(0, rows * Width).Select(i => Math.Cos(i + rows)).ToArray()) };

    [Fact]
    public void AThousandDistinctBatchSizesKeepAtMostTheSpecializationLimitAndReturnTheirMemory()
    {
        using var backend = CpuBackend.CreateManaged();
        backend.PoolLimitBytes = 4 << 20;
        var baseline = backend.LiveTensors;
        var before = ManagedBytes();
        var (outputs, x) = Model();
        using var oracle = Plan.Compile(outputs, Backend.Reference);
        long perSpecialization, peakLive = 0;
        using (var plan = Plan.Compile(outputs, backend))
        {
            Assert.Equal(Plan.DefaultSpecializationLimit, plan.SpecializationLimit);
            plan.Run(Feed(x, 1000));
            perSpecialization = backend.LiveTensors - baseline;   // the largest arena, plus the plan's constant
            for (var rows = 1; rows <= 1000; rows++)
            {
                var feeds = Feed(x, rows);
                var got = plan.Run(feeds);
                Assert.True(plan.SpecializationCount <= plan.SpecializationLimit, $"{plan.SpecializationCount} specializations kept after {rows} batch sizes");
                peakLive = Math.Max(peakLive, backend.LiveTensors - baseline);
                Assert.True(backend.PooledBytes <= backend.PoolLimitBytes, $"{backend.PooledBytes:N0} bytes pooled, over the limit");
                if (rows % 97 == 0)
                {
                    var expected = oracle.Run(feeds);
                    Assert.True(expected[0].AllClose(got[0], 1e-12, 1e-12) && expected[1].AllClose(got[1], 1e-10, 1e-12), $"batch size {rows} differs from the Reference backend");
                }
            }
            Assert.Equal(plan.SpecializationLimit, plan.SpecializationCount);
            Assert.True(peakLive <= plan.SpecializationLimit * perSpecialization,
                $"{peakLive} tensors live at the peak; {plan.SpecializationLimit} specializations of {perSpecialization} allow no more");
        }
        Assert.Equal(baseline, backend.LiveTensors);
        var retained = ManagedBytes() - before;
        // The pool may keep its 4 MiB; the Reference oracle's plan and runtime noise take a little more. Without the
        // bounds the thousand shapes' buffers (about 200 MB here) stayed.
        Assert.True(retained < 8 << 20, $"{retained:N0} bytes retained after 1,000 batch sizes and Dispose");
    }

    [Fact]
    public void AShapeFedAgainAfterEvictionIsPreparedAgainWithTheSameValues()
    {
        using var backend = CpuBackend.CreateManaged();
        var (outputs, x) = Model();
        using var plan = Plan.Compile(outputs, backend);
        plan.SpecializationLimit = 2;
        var first = plan.Run(Feed(x, 3));
        plan.Run(Feed(x, 4));
        plan.Run(Feed(x, 5));   // evicts 3, the least recently used
        plan.Run(Feed(x, 4));   // 4 becomes the most recent, so 6 evicts 5
        plan.Run(Feed(x, 6));
        Assert.Equal(2, plan.SpecializationCount);
        var again = plan.Run(Feed(x, 3));
        Assert.Equal(first[0], again[0]);
        Assert.Equal(first[1], again[1]);
        var live = backend.LiveTensors;
        plan.SpecializationLimit = 1;   // lowering the limit evicts at once
        Assert.Equal(1, plan.SpecializationCount);
        Assert.True(backend.LiveTensors < live, "lowering the limit released no storage");
    }

    [Fact]
    public void EvictingAShapeThatAnotherThreadIsRunningReleasesItsStorageOnlyAfterThatRun()
    {
        using var backend = CpuBackend.CreateManaged();
        var baseline = backend.LiveTensors;
        var (outputs, x) = Model();
        var sizes = new[] { 64, 65, 66, 67 };
        var expected = new Dictionary<int, Tensor[]>();
        using (var sequential = Plan.Compile(outputs, backend))
        {
            foreach (var s in sizes) { expected[s] = sequential.Run(Feed(x, s)); }
        }
        var failures = new List<string>();
        using (var plan = Plan.Compile(outputs, backend))
        {
            // One kept shape and four threads on four shapes: nearly every run evicts a shape another thread is running.
            plan.SpecializationLimit = 1;
            using var start = new Barrier(sizes.Length);
            var threads = sizes.Select(rows => new Thread(() =>
            {
                var feeds = Feed(x, rows);
                start.SignalAndWait();
                for (var i = 0; i < 60; i++)
                {
                    var got = plan.Run(feeds);
                    if (!got[0].Equals(expected[rows][0]) || !got[1].Equals(expected[rows][1])) { lock (failures) { failures.Add($"batch size {rows}, run {i}"); } }
                }
            })).ToArray();
            foreach (var t in threads) { t.Start(); }
            foreach (var t in threads) { t.Join(); }
            Assert.Equal(1, plan.SpecializationCount);
        }
        Assert.True(failures.Count == 0, $"{failures.Count} wrong runs, first: {failures.FirstOrDefault()}");
        Assert.Equal(baseline, backend.LiveTensors);
    }

    [Fact]
    public void TheSpecializationLimitAndThePoolLimitRejectImpossibleValues()
    {
        var (outputs, _) = Model();
        using var plan = Plan.Compile(outputs, Backend.Reference);
        Assert.Contains("Plan.SpecializationLimit: expected at least 1 (shape set kept); given 0.", Assert.Throws<FuncNetException>(() => plan.SpecializationLimit = 0).Message);
        using var backend = CpuBackend.CreateManaged();
        Assert.Contains("CpuBackend.PoolLimitBytes: expected a number of bytes ≥ 0; given -1.", Assert.Throws<FuncNetException>(() => backend.PoolLimitBytes = -1).Message);
    }

    [Fact]
    public void TheCpuPoolKeepsAtMostItsLimitReusesExactSizesAndReleasesWhenTheLimitIsLowered()
    {
        using var backend = CpuBackend.CreateManaged();
        Assert.Equal(CpuBackend.DefaultPoolLimitBytes, backend.PoolLimitBytes);
        backend.PoolLimitBytes = 1 << 20;
        for (var n = 1; n <= 200; n++)
        {
            backend.Allocate(Shape.Of(n * 1000), DType.Float64).Dispose();
            Assert.True(backend.PooledBytes <= 1 << 20, $"{backend.PooledBytes:N0} bytes pooled after {n} sizes");
        }
        backend.PoolLimitBytes = 0;
        Assert.Equal(0, backend.PooledBytes);
        backend.PoolLimitBytes = 1 << 20;
        backend.Allocate(Shape.Of(1000), DType.Float32).Dispose();
        Assert.Equal(4000, backend.PooledBytes);
        using var reused = backend.Allocate(Shape.Of(1000), DType.Float32);
        Assert.Equal(0, backend.PooledBytes);
    }
}
