namespace FuncNet.Expressions;

/// <summary>
/// The hash-consing table: one live node per (op, inputs). The table owns nothing: it maps a structural hash
/// to weak references to the nodes, and a lookup compares the node's own op and inputs. A node nobody
/// references is collected together with its op (a constant's or variable's tensor goes with it); only a
/// small dead weak reference stays behind until it is swept: by the lookup that meets it, by the sweep that
/// runs each time the table has doubled since the last one, and, once the table holds more than
/// 65,536 entries, by a sweep after each full garbage collection (which is when dead nodes are known).
/// </summary>
internal static class ExprTable
{
    private const int MinimumSweep = 1 << 16;

    private static readonly object Gate = new();
    // Most hashes have one node; a collision shares the list.
    private static readonly Dictionary<int, List<WeakReference<Expr>>> Table = new();
    private static long _nextId;
    private static int _count;
    private static int _sweepAt = MinimumSweep;
    private static int _sweptAfterCollection;

    public static Expr Intern(Op op, Expr[] inputs, Shape shape, DType dtype)
    {
        var hash = Hash(op, inputs);
        lock (Gate)
        {
            if (!Table.TryGetValue(hash, out var entries))
            {
                Table[hash] = entries = new List<WeakReference<Expr>>(1);
            }
            for (var i = entries.Count - 1; i >= 0; i--)
            {
                if (!entries[i].TryGetTarget(out var existing))
                {
                    entries.RemoveAt(i);
                    _count--;
                }
                else if (Same(existing, op, inputs))
                {
                    return existing;
                }
            }
            var node = new Expr(op, (Expr[])inputs.Clone(), shape, dtype, ++_nextId);
            entries.Add(new WeakReference<Expr>(node));
            // The doubling alone could let the table grow while collected nodes still count as live (a sweep
            // between full collections sees gen-2 garbage as alive), so a full collection also triggers a sweep.
            if (++_count >= _sweepAt || (_count > MinimumSweep && GC.CollectionCount(2) != _sweptAfterCollection))
            {
                Sweep();
            }
            return node;
        }
    }

    /// <summary>How many entries (live or not yet swept) the table holds: tests read it to show the table stays bounded.</summary>
    internal static int Count
    {
        get { lock (Gate) { return _count; } }
    }

    /// <summary>Drops the entries of collected nodes now and returns how many entries remain (the live nodes).</summary>
    internal static int SweepNow()
    {
        lock (Gate)
        {
            Sweep();
            return _count;
        }
    }

    /// <summary>A fresh unique number for placeholders and variables, whose identity is not structural.</summary>
    public static long NextIdentity() => Interlocked.Increment(ref _identity);

    private static long _identity;

    private static int Hash(Op op, Expr[] inputs)
    {
        var h = new HashCode();
        h.Add(op);
        foreach (var input in inputs) { h.Add(input.Id); }
        return h.ToHashCode();
    }

    private static bool Same(Expr node, Op op, Expr[] inputs)
    {
        var own = node.Inputs;
        if (own.Count != inputs.Length || !node.Op.Equals(op)) { return false; }
        for (var i = 0; i < inputs.Length; i++)
        {
            if (!ReferenceEquals(own[i], inputs[i])) { return false; }
        }
        return true;
    }

    private static void Sweep()
    {
        _sweptAfterCollection = GC.CollectionCount(2);
        var empty = new List<int>();
        foreach (var (hash, entries) in Table)
        {
            _count -= entries.RemoveAll(w => !w.TryGetTarget(out _));
            if (entries.Count == 0) { empty.Add(hash); }
        }
        foreach (var hash in empty) { Table.Remove(hash); }
        // Sweeping again only once the table has doubled keeps the cost per node constant on average.
        _sweepAt = Math.Max(MinimumSweep, _count * 2);
    }
}
