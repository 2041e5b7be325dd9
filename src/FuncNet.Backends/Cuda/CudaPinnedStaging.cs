namespace FuncNet.Backends.Cuda;

/// <summary>
/// The raw operations <see cref="CudaPinnedStaging"/> sits on: page-locked host memory, events and copies
/// enqueued on one stream (the driver, or a fake in tests that runs the enqueued copies only when waited on).
/// </summary>
internal interface IPinnedTransfers
{
    /// <summary>Page-locked host memory of <paramref name="bytes"/> bytes (cuMemAllocHost); throws when none can be pinned.</summary>
    nint AllocateHost(long bytes);

    /// <summary>Frees memory from <see cref="AllocateHost"/> (cuMemFreeHost).</summary>
    void FreeHost(nint block);

    /// <summary>A new event (cuEventCreate, without timing).</summary>
    nint CreateEvent();

    /// <summary>Destroys an event (cuEventDestroy).</summary>
    void DestroyEvent(nint handle);

    /// <summary>Records the event after everything enqueued on the stream so far (cuEventRecord).</summary>
    void RecordEvent(nint handle);

    /// <summary>Blocks until the work before the event's last record has run (cuEventSynchronize); returns at once if never recorded.</summary>
    void WaitEvent(nint handle);

    /// <summary>Enqueues a copy of <paramref name="bytes"/> from page-locked <paramref name="source"/> to device memory (cuMemcpyHtoDAsync).</summary>
    void CopyToDevice(ulong target, nint source, long bytes);

    /// <summary>Enqueues a copy of <paramref name="bytes"/> from device memory to page-locked <paramref name="target"/> (cuMemcpyDtoHAsync).</summary>
    void CopyToHost(nint target, ulong source, long bytes);

    /// <summary>Blocks until everything enqueued on the stream has run (cuStreamSynchronize).</summary>
    void Synchronize();
}

/// <summary>
/// Page-locked (pinned) host buffers that every transfer between managed arrays and the device goes through.
/// From pageable memory the driver may synchronize the stream to stage a copy itself (the CUDA API's
/// synchronization rules), so an upload could wait for every kernel queued before it; from pinned memory the
/// copy engine reads the block directly and the call only enqueues.
/// <para>
/// Uploads cycle through a ring of <see cref="UploadSlots"/> blocks: the data is copied into a block, the
/// device copy is enqueued from it, and an event is recorded after that copy. A block is written again only
/// once its event has completed (waited on before reuse), so an upload never waits for the stream, only,
/// when the caller is <see cref="UploadSlots"/> uploads ahead of the device, for the oldest of them.
/// Downloads copy into a pinned block, synchronize the stream (a download must see every earlier kernel), then
/// copy into the managed array. Blocks grow by powers of two from <see cref="MinBlock"/> to
/// <see cref="ChunkBytes"/>; a larger transfer goes through in chunks, which keeps the pinned footprint
/// bounded (pinning is slow and takes memory from the whole machine) and lets the host copy of one chunk
/// overlap the device copy of the previous one.
/// </para>
/// <para>
/// There is no size below which a transfer skips staging: the driver may synchronize for pageable copies of
/// any size, and copying a few bytes into a pinned block costs less than one driver call.
/// </para>
/// <para>
/// Thread-safe: uploads hold the ring's lock while they write blocks and enqueue; a download takes a block of
/// its own, so downloads on several threads wait for the stream together.
/// </para>
/// </summary>
internal sealed unsafe class CudaPinnedStaging(IPinnedTransfers transfers) : IDisposable
{
    /// <summary>Blocks in the upload ring: how many uploads may be queued on the device before an upload waits.</summary>
    public const int UploadSlots = 4;

    /// <summary>The largest block; a transfer larger than this is staged in chunks of this size.</summary>
    public const long ChunkBytes = 4L << 20;

    /// <summary>The smallest block, so that a run of small transfers does not regrow a block each time.</summary>
    public const long MinBlock = 64L << 10;

    /// <summary>A pinned block; for the upload ring, with the event recorded after the last copy out of it.</summary>
    private sealed class Block
    {
        public nint Pointer;
        public long Capacity;
        public nint Event;
        public bool Pending;
    }

    private readonly Block[] _ring = Enumerable.Range(0, UploadSlots).Select(_ => new Block()).ToArray();
    private readonly Stack<Block> _downloadBlocks = new();
    private readonly object _gate = new();
    private int _next;
    private long _pinnedBytes;
    private bool _disposed;

    /// <summary>Pinned bytes held, in the ring and in idle download blocks (for tests and diagnostics).</summary>
    public long PinnedBytes { get { lock (_gate) { return _pinnedBytes; } } }

    /// <summary>The size a block grows to for a transfer (or chunk) of <paramref name="bytes"/>.</summary>
    public static long BlockSize(long bytes) =>
        Math.Min(ChunkBytes, Math.Max(MinBlock, (long)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)bytes)));

    /// <summary>
    /// Enqueues a copy of <paramref name="bytes"/> bytes at <paramref name="source"/> to device address
    /// <paramref name="target"/>. The source may be reused or moved as soon as this returns.
    /// </summary>
    public void Upload(nint source, long bytes, ulong target)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            for (long offset = 0; offset < bytes; offset += ChunkBytes)
            {
                var n = Math.Min(ChunkBytes, bytes - offset);
                var block = _ring[_next];
                _next = (_next + 1) % UploadSlots;
                if (block.Pending)
                {
                    // The device may still be reading this block for an earlier upload.
                    transfers.WaitEvent(block.Event);
                    block.Pending = false;
                }
                Reserve(block, n);
                if (block.Event == 0) { block.Event = transfers.CreateEvent(); }
                Buffer.MemoryCopy((void*)(source + (nint)offset), (void*)block.Pointer, block.Capacity, n);
                transfers.CopyToDevice(target + (ulong)offset, block.Pointer, n);
                // A failure here leaves the context unusable (CUDA errors on a stream are sticky), so the block's state no longer matters.
                transfers.RecordEvent(block.Event);
                block.Pending = true;
            }
        }
    }

    /// <summary>
    /// Copies <paramref name="bytes"/> bytes at device address <paramref name="source"/> to <paramref name="target"/>,
    /// after everything enqueued before it has run.
    /// </summary>
    public void Download(ulong source, nint target, long bytes)
    {
        if (bytes == 0) { return; }
        Block block;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            block = _downloadBlocks.Count > 0 ? _downloadBlocks.Pop() : new Block();
            _pinnedBytes -= block.Capacity; // counted again when returned
        }
        try
        {
            Grow(block, Math.Min(ChunkBytes, bytes));
            for (long offset = 0; offset < bytes; offset += ChunkBytes)
            {
                var n = Math.Min(ChunkBytes, bytes - offset);
                transfers.CopyToHost(block.Pointer, source + (ulong)offset, n);
                transfers.Synchronize();
                Buffer.MemoryCopy((void*)block.Pointer, (void*)(target + (nint)offset), bytes - offset, n);
            }
        }
        finally
        {
            lock (_gate)
            {
                if (_disposed)
                {
                    Free(block);
                }
                else
                {
                    _pinnedBytes += block.Capacity;
                    _downloadBlocks.Push(block);
                }
            }
        }
    }

    /// <summary>Grows a ring block (under the lock, so its pinned bytes are counted at once).</summary>
    private void Reserve(Block block, long bytes)
    {
        var before = block.Capacity;
        try
        {
            Grow(block, bytes);
        }
        finally
        {
            _pinnedBytes += block.Capacity - before;
        }
    }

    /// <summary>Makes <paramref name="block"/> hold at least <paramref name="bytes"/>; its old memory is not in use.</summary>
    private void Grow(Block block, long bytes)
    {
        if (block.Capacity >= bytes) { return; }
        var size = BlockSize(bytes);
        if (block.Pointer != 0)
        {
            transfers.FreeHost(block.Pointer);
            (block.Pointer, block.Capacity) = (0, 0);
        }
        block.Pointer = transfers.AllocateHost(size);
        block.Capacity = size;
    }

    private void Free(Block block)
    {
        try
        {
            // The device may still be reading the block (the backend synchronizes before disposing, so this is a formality there).
            if (block.Pending) { transfers.WaitEvent(block.Event); }
        }
        catch (FuncNetException)
        {
            // The context failed: the copy will never run, so the memory can be released.
        }
        if (block.Pointer != 0) { transfers.FreeHost(block.Pointer); }
        if (block.Event != 0) { transfers.DestroyEvent(block.Event); }
        (block.Pointer, block.Capacity, block.Event, block.Pending) = (0, 0, 0, false);
    }

    /// <summary>
    /// Frees every block and event, first waiting for copies still reading from the ring. Downloads still in
    /// flight free their block when they finish.
    /// </summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) { return; }
            _disposed = true;
            foreach (var block in _ring) { Free(block); }
            while (_downloadBlocks.Count > 0) { Free(_downloadBlocks.Pop()); }
            _pinnedBytes = 0;
        }
    }
}
