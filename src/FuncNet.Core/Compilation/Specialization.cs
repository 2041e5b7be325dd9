namespace FuncNet.Compilation;

/// <summary>
/// A plan specialized to one set of fed shapes: the concrete shape of every node, which nodes are views
/// of which, and a storage layout in which a node's buffer is reused once its last reader has run
/// (liveness). Arenas (storage plus prepared kernels) are built from it and pooled, so concurrent runs
/// each take their own arena and a steady-state run allocates no storage.
/// </summary>
internal sealed class Specialization : IDisposable
{
    private readonly Stack<Arena> _idle = new();
    private readonly object _gate = new();
    private int _rented;
    private bool _retired;

    public Specialization(PlanLayout layout, Shape[] shapes)
    {
        Layout = layout;
        Shapes = shapes;
        var schedule = layout.Schedule;
        var n = schedule.Length;
        Root = new int[n];
        Buffer = new int[n];
        var lastUse = new int[n];
        for (var k = 0; k < n; k++)
        {
            Root[k] = k;
            Buffer[k] = -1;
            lastUse[k] = k;
        }
        for (var k = 0; k < n; k++)
        {
            if (IsView(k)) { Root[k] = Root[layout.InputIndices[k][0]]; }
            foreach (var i in layout.InputIndices[k]) { lastUse[Root[i]] = Math.Max(lastUse[Root[i]], k); }
        }
        foreach (var o in layout.OutputIndices) { lastUse[Root[o]] = int.MaxValue; }

        // Greedy reuse: a computed or fed node takes a free buffer of its exact dtype and shape (a kernel reads
        // its arguments' shapes from their handles), or a new one.
        var free = new Dictionary<(DType, Shape), Stack<int>>();
        var sizes = new List<(Shape, DType)>();
        var releaseAt = new List<int>[n];
        for (var k = 0; k < n; k++)
        {
            var node = schedule[k];
            if (Root[k] == k && node.Op is not (ConstantOp or VariableOp))
            {
                var key = (node.DType, shapes[k]);
                // Feeds are copied in before any kernel runs, so a placeholder never takes a buffer that an
                // earlier kernel still writes.
                if (!node.IsPlaceholder && free.TryGetValue(key, out var stack) && stack.Count > 0)
                {
                    Buffer[k] = stack.Pop();
                }
                else
                {
                    Buffer[k] = sizes.Count;
                    sizes.Add((shapes[k], node.DType));
                }
                if (lastUse[k] != int.MaxValue)
                {
                    (releaseAt[Math.Max(lastUse[k], k)] ??= []).Add(k);
                }
            }
            // Buffers whose last reader is this node become free only after it ran (no kernel writes an input).
            if (releaseAt[k] is { } done)
            {
                foreach (var d in done)
                {
                    var dk = (schedule[d].DType, shapes[d]);
                    if (!free.TryGetValue(dk, out var s)) { free[dk] = s = new Stack<int>(); }
                    s.Push(Buffer[d]);
                }
            }
        }
        BufferShapes = sizes.ToArray();
        var users = new List<int>[sizes.Count];
        for (var k = 0; k < n; k++)
        {
            var b = Buffer[Root[k]];
            if (b >= 0) { (users[b] ??= []).Add(k); }
        }
        BufferUsers = users.Select(u => u?.ToArray() ?? []).ToArray();
    }

    /// <summary>
    /// For each buffer, the nodes whose value lives in it, in schedule order: the nodes stored in it and the
    /// views of them. Swapping a buffer (an assignment handing it to a variable) rebinds just these.
    /// </summary>
    public int[][] BufferUsers { get; }

    public PlanLayout Layout { get; }

    /// <summary>The concrete shape of every scheduled node.</summary>
    public Shape[] Shapes { get; }

    /// <summary>For a view, the node whose storage it shares; otherwise the node itself.</summary>
    public int[] Root { get; }

    /// <summary>The storage buffer of each computed or fed node (-1 for leaves and views).</summary>
    public int[] Buffer { get; }

    /// <summary>The shape and dtype each buffer is allocated with.</summary>
    public (Shape Shape, DType DType)[] BufferShapes { get; }

    /// <summary>
    /// True when the node only relabels its input's elements: a reshape, or a broadcast or sum to the same
    /// shape. Views of variables are computed instead, because a variable's storage changes between runs.
    /// </summary>
    public bool IsView(int k)
    {
        var node = Layout.Schedule[k];
        if (node.Inputs.Count == 0)
        {
            return false;
        }
        var input = Layout.InputIndices[k][0];
        var source = Layout.Schedule[input];
        if (source.Op is VariableOp || node.DType != source.DType)
        {
            return false;
        }
        return node.Op switch
        {
            ReshapeOp or ExpandDimsOp => true,
            BroadcastLikeOp or SumToOp or BroadcastToOp => Shapes[input] == Shapes[k],
            _ => false,
        };
    }

    /// <summary>An idle arena, or a new one. The caller owns it until <see cref="Return"/>.</summary>
    public Arena Rent(IBackend backend, Func<Expr, DeviceTensor> resident)
    {
        lock (_gate)
        {
            _rented++;
            if (_idle.TryPop(out var idle)) { return idle; }
        }
        try
        {
            // Built outside the lock: allocation and kernel preparation may be slow, and other runs may return arenas meanwhile.
            return new Arena(this, backend, resident);
        }
        catch
        {
            lock (_gate) { _rented--; }
            throw;
        }
    }

    /// <summary>Takes back an arena after its run: pooled for the next run, or released once the specialization is retired.</summary>
    public void Return(Arena arena)
    {
        lock (_gate)
        {
            _rented--;
            if (!_retired)
            {
                _idle.Push(arena);
                return;
            }
        }
        arena.Dispose();
    }

    /// <summary>
    /// Retires the specialization (evicted from its plan, or the plan is disposed): idle arenas are released now,
    /// arenas still out in runs when those runs return them, so no storage in use is ever released.
    /// </summary>
    public void Dispose()
    {
        Arena[] idle;
        lock (_gate)
        {
            _retired = true;
            idle = _idle.ToArray();
            _idle.Clear();
        }
        foreach (var a in idle) { a.Dispose(); }
    }
}
