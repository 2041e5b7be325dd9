namespace FuncNet.Backends.Cuda;

/// <summary>Raw device memory: what <see cref="CudaMemoryPool"/> sits on (the driver, or a fake in tests).</summary>
internal interface IDeviceMemory
{
    /// <summary>Allocates <paramref name="bytes"/>; false when the device is out of memory (other failures throw).</summary>
    bool TryAllocate(long bytes, out ulong pointer);

    /// <summary>Frees a pointer from <see cref="TryAllocate"/>.</summary>
    void Free(ulong pointer);
}

/// <summary>
/// A caching allocator: sizes are rounded up to buckets (powers of two up to 1 MiB, then whole MiB), and a
/// freed block waits in its bucket for the next request of that bucket, so a training step that asks for
/// the same sizes every step stops calling cuMemAlloc (which synchronizes the device) after the first.
/// When the device is out of memory, every cached block is freed and the allocation tried once more;
/// if that fails too, a <see cref="CudaOutOfMemoryException"/> says how much was asked, live and cached.
/// </summary>
internal sealed class CudaMemoryPool(IDeviceMemory memory) : IDisposable
{
    private const long MiB = 1 << 20;
    private const long MinBlock = 512;

    private readonly Dictionary<long, Stack<ulong>> _free = new();
    private readonly object _gate = new();
    private long _liveBytes, _liveBuffers, _cachedBytes;

    /// <summary>Bytes in blocks handed out and not yet returned (rounded to buckets).</summary>
    public long LiveBytes { get { lock (_gate) { return _liveBytes; } } }

    /// <summary>Blocks handed out and not yet returned.</summary>
    public long LiveBuffers { get { lock (_gate) { return _liveBuffers; } } }

    /// <summary>Bytes held in the cache for reuse.</summary>
    public long CachedBytes { get { lock (_gate) { return _cachedBytes; } } }

    /// <summary>The bucket a request of <paramref name="bytes"/> is served from.</summary>
    public static long Bucket(long bytes)
    {
        if (bytes <= MinBlock) { return MinBlock; }
        if (bytes <= MiB) { return (long)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)bytes); }
        return (bytes + MiB - 1) / MiB * MiB;
    }

    /// <summary>A block of at least <paramref name="bytes"/> bytes: (pointer, bucket size).</summary>
    public (ulong Pointer, long Size) Rent(long bytes)
    {
        var size = Bucket(bytes);
        lock (_gate)
        {
            if (_free.TryGetValue(size, out var stack) && stack.Count > 0)
            {
                _cachedBytes -= size;
                return Handed(stack.Pop(), size);
            }
            if (memory.TryAllocate(size, out var pointer))
            {
                return Handed(pointer, size);
            }
            var cached = _cachedBytes;
            ReleaseCached();
            if (memory.TryAllocate(size, out pointer))
            {
                return Handed(pointer, size);
            }
            throw new CudaOutOfMemoryException(
                $"The GPU is out of memory: asked for {size:N0} bytes with {_liveBytes:N0} bytes in {_liveBuffers:N0} live buffers " +
                $"(the {cached:N0} cached bytes were released and the allocation retried). Use a smaller batch, dispose unused plans " +
                "and sessions, or free other processes on the GPU.");
        }
    }

    private (ulong, long) Handed(ulong pointer, long size)
    {
        _liveBytes += size;
        _liveBuffers++;
        return (pointer, size);
    }

    /// <summary>Returns a block to its bucket.</summary>
    public void Return(ulong pointer, long size)
    {
        lock (_gate)
        {
            _liveBytes -= size;
            _liveBuffers--;
            _cachedBytes += size;
            if (!_free.TryGetValue(size, out var stack)) { _free[size] = stack = new Stack<ulong>(); }
            stack.Push(pointer);
        }
    }

    /// <summary>Frees every cached block back to the device.</summary>
    public void ReleaseCached()
    {
        lock (_gate)
        {
            foreach (var stack in _free.Values)
            {
                while (stack.Count > 0) { memory.Free(stack.Pop()); }
            }
            _free.Clear();
            _cachedBytes = 0;
        }
    }

    /// <summary>Frees the cache; live blocks stay with their owners, who return them by disposing.</summary>
    public void Dispose() => ReleaseCached();
}
