namespace FuncNet.Backends.Cpu;

/// <summary>A loop body split into numbered pieces, run by <see cref="WorkerPool.For"/>.</summary>
internal interface IParallelWork
{
    void RunPiece(int piece);
}

/// <summary>
/// The CPU backend's own parallel loop: dedicated worker threads, one fewer than the cores, with the caller
/// taking pieces too. Unlike Parallel.For it allocates nothing per loop (a training step runs dozens of
/// loops), and a loop returns only after every worker it woke has checked out, so no worker can wander into
/// the next loop's state. One loop runs at a time; a loop started while another runs (another thread's
/// plan) simply runs on its caller's thread.
/// </summary>
internal static class WorkerPool
{
    private static readonly int WorkerCount = Math.Max(0, Threads - 1);

    /// <summary>The threads loops use, the caller's included: <c>FUNCNET_THREADS</c>, else one per core.</summary>
    public static int Threads { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("FUNCNET_THREADS"), out var t) && t >= 1 ? t : Environment.ProcessorCount;
    private static readonly SemaphoreSlim Wake = new(0);
    private static readonly object Gate = new();
    private static IParallelWork? _work;
    private static int _pieces;
    private static int _next;
    private static int _checkedIn;
    private static bool _started;

    /// <summary>The number of pieces worth cutting a loop into: a few per core.</summary>
    public static int SuggestedPieces => Math.Max(1, (WorkerCount + 1) * 2);

    /// <summary>Runs pieces 0..pieces-1 of <paramref name="work"/>, in parallel when workers are free.</summary>
    public static void For(int pieces, IParallelWork work)
    {
        if (pieces <= 1 || WorkerCount == 0 || !Monitor.TryEnter(Gate))
        {
            for (var p = 0; p < pieces; p++) { work.RunPiece(p); }
            return;
        }
        try
        {
            EnsureStarted();
            _work = work;
            _pieces = pieces;
            _next = 0;
            var helpers = Math.Min(WorkerCount, pieces - 1);
            Volatile.Write(ref _checkedIn, helpers);
            Wake.Release(helpers);
            Drain(work, pieces);
            var spin = new SpinWait();
            while (Volatile.Read(ref _checkedIn) > 0) { spin.SpinOnce(); }
            _work = null;
        }
        finally
        {
            Monitor.Exit(Gate);
        }
    }

    private static void Drain(IParallelWork work, int pieces)
    {
        int p;
        while ((p = Interlocked.Increment(ref _next) - 1) < pieces)
        {
            work.RunPiece(p);
        }
    }

    private static void EnsureStarted()
    {
        if (_started) { return; }
        _started = true;
        for (var i = 0; i < WorkerCount; i++)
        {
            new Thread(Worker) { IsBackground = true, Name = $"FuncNet CPU worker {i + 1}" }.Start();
        }
    }

    private static void Worker()
    {
        while (true)
        {
            Wake.Wait();
            // A piece that throws must not take the loop down with it unseen: the pieces are kernels whose
            // inputs were validated when the plan was prepared, so a failure here is a bug; fail fast.
            Drain(_work!, _pieces);
            Interlocked.Decrement(ref _checkedIn);
        }
    }
}
