using FuncNet.Tests.Support;
using FuncNet.Expressions;
using static FuncNet.Ops;

namespace FuncNet.Tests.Expressions;

/// <summary>
/// The hash-consing table owns nothing: graphs nobody references are collected with their constants' and
/// variables' tensors, and the table stays bounded however many distinct graphs a long-running process builds.
/// </summary>
[Collection(nameof(RunsAlone))]
public class HashConsingMemoryTests
{
    private static long ManagedBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>One graph over an 8 MB variable and an 8 MB constant, dropped as soon as it is built.</summary>
    private static void BuildAndDropLargeGraph(int i)
    {
        var values = new double[1 << 20];
        values[0] = i;
        var v = Expr.Variable("v", Tensor.FromArray(values));
        var c = Expr.Constant(Tensor.FromArray((double[])values.Clone()));
        var loss = ReduceSum(Square(v * c + (double)i));
        Assert.Single(Gradients(loss, [v]));
    }

    [Fact]
    public void UnreachableGraphsDoNotKeepTheirConstantsAndVariablesAlive()
    {
        var before = ManagedBytes();
        for (var i = 0; i < 100; i++) { BuildAndDropLargeGraph(i); }
        var retained = ManagedBytes() - before;
        // 100 graphs held 1.6 GB of tensors; keeping even two of them would exceed this.
        Assert.True(retained < 12 << 20, $"{retained:N0} bytes retained after 100 dropped graphs of 16 MB each");
    }

    /// <summary>A small graph no other graph shares: its own placeholder, constant and weak scalar.</summary>
    private static Expr DistinctGraph(int i)
    {
        var x = Expr.Placeholder("x", Shape.Of(-1, 4));
        var c = Expr.Constant(Tensor.FromArray(new[] { i, 1.0, 2.0, 3.0 }));
        return ReduceSum(Tanh(x * c + (double)i));
    }

    [Fact]
    public void MemoryAndTheTableStayFlatOverOneHundredThousandDistinctGraphs()
    {
        for (var i = 0; i < 20_000; i++) { Assert.Equal(DType.Float64, DistinctGraph(i).DType); }
        var afterWarmup = ManagedBytes();
        var peakEntries = 0;
        for (var i = 20_000; i < 100_000; i++)
        {
            Assert.Equal(DType.Float64, DistinctGraph(i).DType);
            if (i % 10_000 == 0) { peakEntries = Math.Max(peakEntries, ExprTable.Count); }
        }
        var end = ManagedBytes();
        // One more node after the full collection: the table sweeps what the collection freed.
        Assert.Equal(DType.Float64, DistinctGraph(-1).DType);
        var entriesAfterCollection = ExprTable.Count;
        var live = ExprTable.SweepNow();
        // 80,000 more graphs (about 560,000 nodes) may not retain memory: 4 MB allows for runtime noise and
        // the table's own storage, not for anything per graph.
        Assert.True(end - afterWarmup < 4 << 20, $"managed memory grew by {end - afterWarmup:N0} bytes over 80,000 graphs");
        Assert.True(entriesAfterCollection <= 1 << 16, $"the table held {entriesAfterCollection:N0} entries after a full collection (peak {peakEntries:N0})");
        Assert.True(live < 10_000, $"{live:N0} nodes still live after every graph was dropped");
    }
}
