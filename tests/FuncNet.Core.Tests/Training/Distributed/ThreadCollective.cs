namespace FuncNet.Tests.Training.Distributed;

/// <summary>
/// An in-process stand-in for MPI: the ranks are threads sharing one rendezvous, so data-parallel logic is
/// tested where Open MPI is absent. Sums add the ranks' buffers in rank order, the same on every rank.
/// </summary>
internal sealed class ThreadCollective(ThreadCollective.Rendezvous shared, int rank) : ICollective
{
    /// <summary>What the ranks of one job share.</summary>
    internal sealed class Rendezvous(int size)
    {
        public readonly Barrier Barrier = new(size);
        public readonly Array?[] Slots = new Array?[size];
        public int Size => size;
    }

    public string Name => "threads";
    public int Rank => rank;
    public int Size => shared.Size;

    public void AllReduceSum(Span<float> values) => Sum(values, (a, b) => a + b);
    public void AllReduceSum(Span<double> values) => Sum(values, (a, b) => a + b);
    public void Broadcast(Span<byte> values, int root) => Copy(values, root);
    public void Broadcast(Span<float> values, int root) => Copy(values, root);
    public void Broadcast(Span<double> values, int root) => Copy(values, root);
    public void Barrier() => shared.Barrier.SignalAndWait();
    public void Abort(int exitCode) => throw new InvalidOperationException($"rank {rank} aborted with {exitCode}");
    public void Dispose() { }

    /// <summary>Runs <paramref name="body"/> on <paramref name="size"/> threads, one collective each; rethrows the first rank's error.</summary>
    public static T[] Run<T>(int size, Func<ICollective, T> body)
    {
        var shared = new Rendezvous(size);
        var results = new T[size];
        var errors = new Exception?[size];
        var threads = Enumerable.Range(0, size).Select(r => new Thread(() =>
        {
            try { results[r] = body(new ThreadCollective(shared, r)); }
            catch (Exception e) { errors[r] = e; shared.Barrier.RemoveParticipant(); }
        })).ToArray();
        foreach (var t in threads) { t.Start(); }
        foreach (var t in threads) { t.Join(); }
        if (errors.Any(e => e is not null)) { throw new AggregateException(errors.Where(e => e is not null)!); }
        return results;
    }

    private void Sum<T>(Span<T> values, Func<T, T, T> add)
    {
        shared.Slots[rank] = values.ToArray();
        shared.Barrier.SignalAndWait();
        var total = (T[])shared.Slots[0]!.Clone();
        for (var r = 1; r < Size; r++)
        {
            var other = (T[])shared.Slots[r]!;
            for (var i = 0; i < total.Length; i++) { total[i] = add(total[i], other[i]); }
        }
        shared.Barrier.SignalAndWait();
        total.CopyTo(values);
    }

    private void Copy<T>(Span<T> values, int root)
    {
        if (rank == root) { shared.Slots[root] = values.ToArray(); }
        shared.Barrier.SignalAndWait();
        ((T[])shared.Slots[root]!).CopyTo(values);
        shared.Barrier.SignalAndWait();
    }
}
