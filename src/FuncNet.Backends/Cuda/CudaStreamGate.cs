namespace FuncNet.Backends.Cuda;

/// <summary>
/// Keeps other threads off the backend's stream while one thread captures it. Stream capture records
/// whatever is enqueued on the stream, from any thread, instead of running it: a plan running on another
/// thread during a capture would have its kernels baked into the graph and never run. So every enqueue
/// (a launch, a copy, a synchronization) happens inside <see cref="Enqueue"/>, which many threads may hold at
/// once, and a capture holds the gate exclusively: it waits for enqueues in progress to finish, and
/// enqueues from other threads wait for it to end. The capturing thread's own enqueues pass (they are what
/// it records). Another thread's run is only paused, never reordered: its later launches follow its
/// earlier ones on the stream.
/// </summary>
internal sealed class CudaStreamGate : IDisposable
{
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.SupportsRecursion);

    /// <summary>True when the calling thread is capturing.</summary>
    public bool CapturingOnThisThread => _lock.IsWriteLockHeld;

    /// <summary>Holds the gate (shared) while the caller enqueues work; waits while another thread captures.</summary>
    public Scope Enqueue()
    {
        _lock.EnterReadLock();
        return new Scope(_lock);
    }

    /// <summary>Takes the gate exclusively (waiting for enqueues in progress) for the calling thread's capture.</summary>
    public void BeginCapture() => _lock.EnterWriteLock();

    /// <summary>Releases the gate taken by <see cref="BeginCapture"/>.</summary>
    public void EndCapture() => _lock.ExitWriteLock();

    /// <summary>Frees the lock; nothing may hold it.</summary>
    public void Dispose() => _lock.Dispose();

    /// <summary>A shared hold on the gate, released by disposing (a struct: no allocation per launch).</summary>
    public readonly struct Scope(ReaderWriterLockSlim held) : IDisposable
    {
        /// <summary>Releases the hold.</summary>
        public void Dispose() => held.ExitReadLock();
    }
}
