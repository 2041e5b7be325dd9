namespace FuncNet;

/// <summary>
/// The hash-consing table: one live node per (op, inputs). Entries hold their nodes weakly, so graphs
/// that nobody references any more are collected; dead entries are swept as the table grows.
/// </summary>
internal static class ExprTable
{
    private readonly record struct Key(Op Op, long[] InputIds)
    {
        public bool Equals(Key other) => Op.Equals(other.Op) && InputIds.AsSpan().SequenceEqual(other.InputIds);

        public override int GetHashCode()
        {
            var h = new HashCode();
            h.Add(Op);
            foreach (var id in InputIds) { h.Add(id); }
            return h.ToHashCode();
        }
    }

    private static readonly object Gate = new();
    private static readonly Dictionary<Key, WeakReference<Expr>> Table = new();
    private static long _nextId;
    private static int _sweepAt = 1 << 16;

    public static Expr Intern(Op op, Expr[] inputs, Shape shape, DType dtype)
    {
        var key = new Key(op, inputs.Select(i => i.Id).ToArray());
        lock (Gate)
        {
            if (Table.TryGetValue(key, out var weak) && weak.TryGetTarget(out var existing))
            {
                return existing;
            }
            var node = new Expr(op, (Expr[])inputs.Clone(), shape, dtype, ++_nextId);
            Table[key] = new WeakReference<Expr>(node);
            if (Table.Count >= _sweepAt)
            {
                Sweep();
            }
            return node;
        }
    }

    /// <summary>A fresh unique number for placeholders and variables, whose identity is not structural.</summary>
    public static long NextIdentity() => Interlocked.Increment(ref _identity);

    private static long _identity;

    private static void Sweep()
    {
        foreach (var (k, w) in Table.ToList())
        {
            if (!w.TryGetTarget(out _))
            {
                Table.Remove(k);
            }
        }
        _sweepAt = Math.Max(1 << 16, Table.Count * 2);
    }
}
