namespace FuncNet;

/// <summary>
/// Implemented by backends that queue work (a GPU stream) and can record a run's launches once and
/// replay them with a single call, as CUDA graphs do. A <see cref="Plan"/> on such a backend runs a
/// specialization eagerly once (warm-up: compilation, lazy allocations), captures the second run, and
/// from then on replays it: per-kernel launch costs disappear from the steady state. Recording bakes
/// in the storage each kernel reads and writes, so the plan copies feeds into its fixed buffers and
/// writes assignments into the variable store's storage in place while capturing, and captures again
/// when the storage it bound changes (another store, a restored checkpoint).
/// </summary>
public interface IGraphCapture
{
    /// <summary>
    /// True when <paramref name="kernel"/> (prepared by this backend) only enqueues asynchronous work, so it
    /// can be recorded; false for kernels that synchronize or touch host memory (a host fallback).
    /// </summary>
    bool CanCapture(IKernel kernel);

    /// <summary>
    /// Records the kernel runs and <see cref="IBackend.Copy"/> calls that <paramref name="launches"/> makes,
    /// without executing them, and returns their replay. Throws <see cref="FuncNetException"/> (and leaves
    /// the backend usable) when something in <paramref name="launches"/> cannot be recorded.
    /// </summary>
    ICapturedWork Capture(Action launches);
}

/// <summary>Recorded work (a CUDA graph): replaying it enqueues every recorded launch again, in order, on the same storage.</summary>
public interface ICapturedWork : IDisposable
{
    /// <summary>Enqueues one replay (asynchronous on a queued backend: a download waits for it).</summary>
    void Replay();
}
