namespace FuncNet.Compilation;

/// <summary>
/// A plan's specializations, one per distinct set of fed shapes (kernels prepared and storage laid out
/// once for it), most recently used first and at most <see cref="Limit"/> of them: feeding a new set beyond
/// the limit retires the least recently used one, whose storage is released once no run uses it.
/// Safe to use from several threads.
/// </summary>
internal sealed class SpecializationCache(PlanLayout layout) : IDisposable
{
    private readonly List<(int[] Dims, Specialization Spec)> _entries = new();
    private readonly object _gate = new();
    private int _limit = Plan.DefaultSpecializationLimit;

    /// <summary>How many shape sets are kept; lowering it retires the excess at once.</summary>
    public int Limit
    {
        get { lock (_gate) { return _limit; } }
        set
        {
            List<Specialization> evicted;
            lock (_gate)
            {
                _limit = value;
                evicted = EvictBeyondLimit();
            }
            foreach (var e in evicted) { e.Dispose(); }
        }
    }

    /// <summary>How many shape sets are prepared right now.</summary>
    public int Count
    {
        get { lock (_gate) { return _entries.Count; } }
    }

    /// <summary>The specialization for the fed shapes (feeds already validated), built once per distinct set of shapes.</summary>
    public Specialization For<TValue>(IReadOnlyDictionary<Expr, TValue>? feeds) where TValue : class
    {
        var schedule = layout.Schedule;
        var count = 0;
        foreach (var k in layout.Placeholders) { count += schedule[k].Rank; }
        Span<int> dims = count <= 64 ? stackalloc int[count] : new int[count];
        var at = 0;
        foreach (var k in layout.Placeholders)
        {
            foreach (var d in FeedBinding.ShapeOf(feeds![schedule[k]]).Shape.Dims) { dims[at++] = d; }
        }
        lock (_gate)
        {
            for (var i = 0; i < _entries.Count; i++)
            {
                var (key, spec) = _entries[i];
                if (dims.SequenceEqual(key))
                {
                    if (i > 0) { MoveToFront(i); }
                    return spec;
                }
            }
        }
        var created = new Specialization(layout, Shapes(feeds));
        List<Specialization> evicted;
        lock (_gate)
        {
            // Another thread may have specialized the same shapes meanwhile: keep one.
            for (var i = 0; i < _entries.Count; i++)
            {
                if (dims.SequenceEqual(_entries[i].Dims))
                {
                    MoveToFront(i);
                    return _entries[0].Spec;
                }
            }
            _entries.Insert(0, (dims.ToArray(), created));
            evicted = EvictBeyondLimit();
        }
        // A retired specialization releases its idle arenas now and the ones in flight when their runs end.
        foreach (var e in evicted) { e.Dispose(); }
        return created;
    }

    /// <summary>Every scheduled node's shape at the fed shapes.</summary>
    private Shape[] Shapes<TValue>(IReadOnlyDictionary<Expr, TValue>? feeds) where TValue : class
    {
        var schedule = layout.Schedule;
        var shapes = new Shape[schedule.Length];
        for (var k = 0; k < schedule.Length; k++)
        {
            var node = schedule[k];
            // A node of known shape over inputs of unknown shape is checked again too: ArgMax over an axis fed
            // as length 0 has a known output shape but must still be refused.
            if (node.Shape.IsFullyKnown && node.Inputs.All(i => i.Shape.IsFullyKnown))
            {
                shapes[k] = node.Shape;
            }
            else if (node.IsPlaceholder)
            {
                shapes[k] = FeedBinding.ShapeOf(feeds![node]).Shape;
            }
            else
            {
                var inputShapes = layout.InputIndices[k].Select(i => shapes[i]).ToArray();
                shapes[k] = node.Op.Infer(inputShapes, node.Inputs.Select(i => i.DType).ToArray()).Shape;
            }
        }
        return shapes;
    }

    private void MoveToFront(int i)
    {
        var entry = _entries[i];
        _entries.RemoveAt(i);
        _entries.Insert(0, entry);
    }

    /// <summary>Takes the least recently used specializations beyond the limit out of the list (caller holds the gate, then disposes them).</summary>
    private List<Specialization> EvictBeyondLimit()
    {
        var evicted = new List<Specialization>();
        while (_entries.Count > _limit)
        {
            evicted.Add(_entries[^1].Spec);
            _entries.RemoveAt(_entries.Count - 1);
        }
        return evicted;
    }

    /// <summary>Retires every specialization (the plan is disposed and no run is in flight).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var (_, spec) in _entries) { spec.Dispose(); }
            _entries.Clear();
        }
    }
}
