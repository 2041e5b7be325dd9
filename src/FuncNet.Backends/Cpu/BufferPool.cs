namespace FuncNet.Backends.Cpu;

/// <summary>
/// Reuses host arrays of exactly the same dtype and length. A plan run with the same shapes asks for the
/// same sizes every step, so after the first step nothing is allocated. The pool holds at most
/// <see cref="LimitBytes"/> of idle arrays: returning more drops the longest-idle ones to the garbage
/// collector, so a service that fed many different shapes once does not keep their memory for ever.
/// </summary>
internal sealed class BufferPool(long limitBytes)
{
    private readonly record struct Entry((DType DType, int Length) Key, Array Array, long Bytes);

    // Idle arrays, longest idle first; per key the same nodes in the same order, so the oldest of a key is
    // both the one rented next and the one the global order evicts first.
    private readonly LinkedList<Entry> _idle = new();
    private readonly Dictionary<(DType, int), Queue<LinkedListNode<Entry>>> _byKey = new();
    private readonly object _gate = new();
    private long _idleBytes;
    private long _limitBytes = limitBytes;

    /// <summary>The most bytes of idle arrays kept for reuse; lowering it drops the excess at once.</summary>
    public long LimitBytes
    {
        get { lock (_gate) { return _limitBytes; } }
        set
        {
            lock (_gate)
            {
                _limitBytes = value;
                Trim();
            }
        }
    }

    /// <summary>Bytes in idle arrays waiting for reuse.</summary>
    public long IdleBytes
    {
        get { lock (_gate) { return _idleBytes; } }
    }

    public Array Rent(DType dtype, int length)
    {
        lock (_gate)
        {
            if (_byKey.TryGetValue((dtype, length), out var queue) && queue.TryDequeue(out var node))
            {
                _idle.Remove(node);
                _idleBytes -= node.Value.Bytes;
                return node.Value.Array;
            }
        }
        return dtype switch
        {
            DType.Float32 => GC.AllocateUninitializedArray<float>(length),
            DType.Float64 => GC.AllocateUninitializedArray<double>(length),
            _ => new int[length],
        };
    }

    public void Return(DType dtype, Array array)
    {
        var key = (dtype, array.Length);
        lock (_gate)
        {
            var node = _idle.AddLast(new Entry(key, array, (long)array.Length * dtype.SizeInBytes()));
            if (!_byKey.TryGetValue(key, out var queue)) { _byKey[key] = queue = new Queue<LinkedListNode<Entry>>(); }
            queue.Enqueue(node);
            _idleBytes += node.Value.Bytes;
            Trim();
        }
    }

    /// <summary>Drops every pooled array (the limit stays as it was).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            var limit = _limitBytes;
            _limitBytes = 0;
            Trim();
            _limitBytes = limit;
        }
    }

    /// <summary>Drops the longest-idle arrays until the idle bytes fit the limit (caller holds the gate).</summary>
    private void Trim()
    {
        while (_idleBytes > _limitBytes && _idle.First is { } oldest)
        {
            _idle.RemoveFirst();
            var queue = _byKey[oldest.Value.Key];
            queue.Dequeue();
            if (queue.Count == 0) { _byKey.Remove(oldest.Value.Key); }
            _idleBytes -= oldest.Value.Bytes;
        }
    }
}
