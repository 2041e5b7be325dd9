using FuncNet.Lowering;

namespace FuncNet.Backends.Cuda;

/// <summary>
/// The deferred index checks of a backend's gathers and scatter-adds, which keep them capturable into a CUDA graph
/// while a bad index still fails as on the CPU (an <see cref="IndexException"/> naming the index, its position and
/// the axis length; never a read or write outside a buffer).
/// <para>
/// Design. Each gather kernel owns a <see cref="Word"/>: a device status word and a page-locked host copy of it. The
/// kernel skips an out-of-range index and lowers the device word to (position &lt;&lt; 32) | index; after the launch
/// the kernel enqueues a copy of the word into the host copy. Neither waits for the stream, so a graph records both
/// and every replay repeats them. The device word is sticky (set to "no bad index", all ones, once, and again only
/// after a report), so a bad run is not forgotten when later runs are good. The backend calls <see cref="Raise"/>
/// right after every point where it waits for its stream anyway (a download, <see cref="CudaBackend.Synchronize"/>):
/// by then every copy enqueued before has landed, so reading the host copies costs no device call. A bad word is
/// reset (the device word by an enqueued memset, the host copy directly) and raised.
/// </para>
/// <para>
/// So the error surfaces at the synchronization after the run, not at the kernel: at <see cref="Plan"/>.Run's
/// download of its outputs (for <see cref="Plan"/>.Execute, at the next synchronization or download), before any
/// value of that run is returned. Kernels after the bad gather ran on the skipped (unwritten) elements; their
/// results are never returned because the download throws, but a replayed run has already written its
/// assignments into the variable store inside the graph (an eager run has not). The words are the backend's, not a
/// plan's: with plans on several threads, a bad index may be raised by the next wait of another thread.
/// Unverified on hardware.
/// </para>
/// </summary>
internal sealed unsafe class CudaIndexChecks
{
    /// <summary>The word's value when every index was in range (memset's 0xFF in every byte).</summary>
    public const ulong NoBadIndex = ulong.MaxValue;

    private readonly CudaBackend _backend;
    private readonly object _gate = new();
    private readonly List<Word> _words = new();

    public CudaIndexChecks(CudaBackend backend) => _backend = backend;

    /// <summary>A new status word for one gather kernel, set to <see cref="NoBadIndex"/>.</summary>
    public Word Register(GatherKind gather)
    {
        var word = new Word(this, gather);
        lock (_gate) { _words.Add(word); }
        return word;
    }

    /// <summary>
    /// Throws the <see cref="IndexException"/> of the first registered gather whose host copy reports a bad index,
    /// after resetting every bad word. Call it only after waiting for the stream, on the thread that holds it.
    /// </summary>
    public void Raise()
    {
        IndexException? first = null;
        lock (_gate)
        {
            foreach (var w in _words)
            {
                if (Report(w.Gather, Volatile.Read(ref *w.Host)) is not { } bad) { continue; }
                first ??= bad;
                w.Reset();
            }
        }
        if (first is not null) { throw first; }
    }

    /// <summary>The error a status word reports, decoded as the kernel encodes it ((position &lt;&lt; 32) | index as 32 bits), or null for <see cref="NoBadIndex"/>.</summary>
    internal static IndexException? Report(GatherKind gather, ulong word) =>
        word == NoBadIndex ? null : gather.OutOfRange((int)(word >> 32), (int)(uint)word);

    private void Remove(Word word)
    {
        lock (_gate) { _words.Remove(word); }
    }

    /// <summary>One gather kernel's device status word and its page-locked host copy.</summary>
    internal sealed class Word : IDisposable
    {
        private readonly CudaIndexChecks _owner;
        private readonly CudaTensor _device;
        private ulong* _host;

        public Word(CudaIndexChecks owner, GatherKind gather)
        {
            (_owner, Gather) = (owner, gather);
            var backend = owner._backend;
            // 8 bytes: two Int32 elements (there is no 64-bit integer dtype).
            _device = (CudaTensor)backend.Allocate(Shape.Of(2), DType.Int32);
            void* p;
            backend.Driver.Check(backend.Driver.cuMemAllocHost_v2(&p, sizeof(ulong)), "cuMemAllocHost_v2 (gather status)");
            _host = (ulong*)p;
            Reset();
        }

        /// <summary>The gather whose indices the word checks, for the message.</summary>
        public GatherKind Gather { get; }

        /// <summary>The device word the kernel lowers.</summary>
        public ulong Device => _device.Pointer;

        /// <summary>The page-locked host copy, written by <see cref="EnqueueCopy"/>.</summary>
        public ulong* Host => _host;

        /// <summary>Enqueues the copy of the device word into the host copy (no wait, so a graph can record it).</summary>
        public void EnqueueCopy()
        {
            var d = _owner._backend.Driver;
            d.Check(d.cuMemcpyDtoHAsync_v2(_host, Device, sizeof(ulong), _owner._backend.Stream), "cuMemcpyDtoHAsync_v2 (gather status)");
        }

        /// <summary>Sets both words to <see cref="NoBadIndex"/>: the device one by a memset on the stream, ordered before any later launch.</summary>
        public void Reset()
        {
            var backend = _owner._backend;
            using (backend.EnterStream())
            {
                backend.Driver.Check(backend.Driver.cuMemsetD8Async(Device, 0xFF, sizeof(ulong), backend.Stream), "cuMemsetD8Async (gather status)");
            }
            Volatile.Write(ref *_host, NoBadIndex);
        }

        public void Dispose()
        {
            if (_host == null) { return; }
            _owner.Remove(this);
            var backend = _owner._backend;
            // After the backend is disposed its context, and the page-locked block with it, is gone.
            if (!backend.IsDisposed)
            {
                backend.EnsureCurrent();
                backend.Driver.cuMemFreeHost(_host);
            }
            _host = null;
            _device.Dispose();
        }
    }
}
