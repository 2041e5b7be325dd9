using System.Collections.Concurrent;
using System.Diagnostics;

namespace FuncNet.Backends.Cpu.OneDnn;

/// <summary>
/// Picks how many OpenMP threads a convolution or pooling primitive runs on, once per geometry per process, by
/// timing it: the backend's whole thread budget (<see cref="WorkerPool.Threads"/>) halves a large convolution,
/// but a small one, or the filter gradient of a single-channel input (a reduction over the batch that oneDNN
/// splits badly: 9 × slower on two threads here), is faster on one. The backend's own workers are idle while a
/// primitive runs, so the threads do not compete with them. <c>FUNCNET_ONEDNN_THREADS</c> fixes the count
/// instead. The choice is remembered per geometry, so every kernel of a shape in the process agrees (the
/// thread count can change a reduction's rounding).
/// </summary>
internal static class OneDnnThreadChoice
{
    /// <summary>
    /// Chooses for the primitives of one kernel (a backward pooling runs its forward one too) and sets their
    /// <see cref="OneDnnPrimitive.Threads"/>; <paramref name="run"/> runs the kernel once on scratch data.
    /// </summary>
    public static void Apply(OneDnnLibrary library, string key, Action run, params OneDnnPrimitive[] primitives)
    {
        var threads = Choose(library, key, t =>
        {
            Use(t);
            run();
        });
        Use(threads);

        void Use(int t)
        {
            foreach (var p in primitives) { p.Threads = t; }
        }
    }

    /// <summary>Below this a primitive's run on one thread is not worth splitting: waking threads costs about as much.</summary>
    private static readonly TimeSpan WorthSplitting = TimeSpan.FromMilliseconds(0.2);

    private static readonly ConcurrentDictionary<string, int> Chosen = new();

    /// <summary>
    /// The thread count for the primitive named by <paramref name="key"/> (its kernel and geometry);
    /// <paramref name="run"/> runs it once on the given count (on scratch data: it is only timed).
    /// </summary>
    public static int Choose(OneDnnLibrary library, string key, Action<int> run)
    {
        if (library.FixedThreads is { } fixedThreads) { return fixedThreads; }
        var budget = WorkerPool.Threads;
        if (budget == 1) { return 1; }
        if (Chosen.TryGetValue(key, out var chosen)) { return chosen; }
        var one = Fastest(run, 1);
        var threads = one < WorthSplitting || Fastest(run, budget) >= one ? 1 : budget;
        return Chosen.GetOrAdd(key, threads);
    }

    /// <summary>One warm-up (it starts OpenMP's threads), then the best of two runs: robust against a noisy neighbour.</summary>
    private static TimeSpan Fastest(Action<int> run, int threads)
    {
        run(threads);
        var best = TimeSpan.MaxValue;
        for (var trial = 0; trial < 2; trial++)
        {
            var start = Stopwatch.GetTimestamp();
            run(threads);
            var elapsed = Stopwatch.GetElapsedTime(start);
            if (elapsed < best) { best = elapsed; }
        }
        return best;
    }
}
