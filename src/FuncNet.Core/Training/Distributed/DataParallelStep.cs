using System.Numerics;
using System.Text;
using FuncNet.Training;

namespace FuncNet;

/// <summary>
/// A training step run by every rank of a data-parallel job, as PyTorch's DistributedDataParallel and
/// Horovod do it: each rank computes the loss and gradients on its own shard of the global batch; the
/// gradients, each weighted by the rank's share of the batch, are summed across ranks by an allreduce in a
/// few large buckets (not one call per variable); then every rank applies the same optimizer update to the
/// same weights, so weights and optimizer state stay identical everywhere. <see cref="Synchronize"/> first
/// checks that every rank built the same model and copies rank 0's values to all.
/// </summary>
public sealed class DataParallelStep
{
    /// <summary>Elements per allreduce bucket unless given: 4 Mi (16 MB of Float32), a few calls even for large models.</summary>
    public const int DefaultBucketElements = 4 << 20;

    private readonly Expr[] _fetches;
    private readonly Expr _lossFeed;
    private readonly Expr[] _gradientFeeds;
    private readonly Expr[] _stateFeeds;
    private readonly TrainingStep _apply;
    private readonly Bucket[] _buckets;

    /// <summary>The step minimizing <paramref name="loss"/> over every variable it depends on, with the default bucket size.</summary>
    public DataParallelStep(ICollective collective, Optimizer optimizer, Expr loss) : this(collective, optimizer, loss, DefaultBucketElements) { }

    /// <summary>
    /// The step minimizing <paramref name="loss"/> (the mean over this rank's shard) over every variable it
    /// depends on; gradients are packed into allreduce buckets of at most <paramref name="bucketElements"/>
    /// elements (a variable larger than that gets a bucket of its own).
    /// </summary>
    public DataParallelStep(ICollective collective, Optimizer optimizer, Expr loss, int bucketElements)
    {
        ArgumentNullException.ThrowIfNull(collective);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(loss);
        if (bucketElements < 1)
        {
            throw new FuncNetException($"DataParallelStep: expected a positive bucket size in elements; given {bucketElements}.");
        }
        Collective = collective;
        // Minimize validates the loss and finds the variables; its step is only a template for them.
        var variables = optimizer.Minimize(loss).Variables;
        var gradients = Ops.Gradients(loss, [.. variables]);
        // The step applies fed gradients, so it cannot see the loss's own state: batch normalization's running
        // statistics are computed by each rank from its shard, in the local pass, and fed to the step (as
        // PyTorch's DDP keeps them per rank); the random keys the loss reads advance with the step.
        var state = StateUpdates.Of(loss);
        _fetches = [loss, .. gradients, .. state.Select(a => a.NewValue)];
        _lossFeed = Expr.Placeholder("data-parallel/loss", Shape.Scalar, loss.DType);
        _gradientFeeds = variables.Select(v => Expr.Placeholder($"{v.Name}/gradient", v.Shape, v.DType)).ToArray();
        _stateFeeds = state.Select(a => Expr.Placeholder($"{a.Variable.Name}/new", a.Variable.Shape, a.Variable.DType)).ToArray();
        var apply = optimizer.ApplyGradients(_lossFeed, variables, _gradientFeeds);
        var advances = RandomKeyStream.AdvancesFor([loss, .. gradients]).ToArray();
        _apply = new TrainingStep(_lossFeed, variables, apply.SlotVariables,
            [.. apply.Assignments, .. state.Select((a, i) => new Assignment(a.Variable, _stateFeeds[i])), .. advances]);
        Variables = variables;
        SlotVariables = apply.SlotVariables;
        StateVariables = [.. state.Select(a => a.Variable), .. advances.Select(a => a.Variable)];
        _buckets = Bucket.Plan([loss, .. variables], bucketElements);
    }

    /// <summary>How the ranks communicate.</summary>
    public ICollective Collective { get; }

    /// <summary>The trained variables.</summary>
    public IReadOnlyList<Expr> Variables { get; }

    /// <summary>The optimizer's state (moments, step count); save it with <see cref="Variables"/> to resume exactly.</summary>
    public IReadOnlyList<Expr> SlotVariables { get; }

    /// <summary>
    /// What the step updates besides the weights and the optimizer: running statistics of batch normalization
    /// and the keys of random key streams (dropout). Save them with the rest to resume exactly.
    /// </summary>
    public IReadOnlyList<Expr> StateVariables { get; }

    /// <summary>The allreduce calls one step makes (the gradients and the loss, packed by dtype).</summary>
    public int BucketCount => _buckets.Length;

    /// <summary>
    /// The rows of a global batch of <paramref name="globalCount"/> rows that rank <paramref name="rank"/> of
    /// <paramref name="size"/> takes: contiguous, in rank order, sizes differing by at most one. With the same
    /// global order on every rank (same seed), the ranks' shards together are exactly the global batch.
    /// </summary>
    public static (int Start, int Count) Shard(int globalCount, int rank, int size)
    {
        if (size < 1 || rank < 0 || rank >= size || globalCount < 0)
        {
            throw new FuncNetException($"DataParallelStep.Shard: expected 0 ≤ rank < size and a count ≥ 0; given rank {rank}, size {size}, count {globalCount}.");
        }
        var start = (int)((long)globalCount * rank / size);
        var end = (int)((long)globalCount * (rank + 1) / size);
        return (start, end - start);
    }

    /// <summary>
    /// Checks that every rank has the same variables (names, shapes, dtypes, in order) and then sets every
    /// rank's weights, optimizer state and <see cref="StateVariables"/> to rank 0's. Call it on every rank before the first step, and after
    /// rank 0 restores a checkpoint. A mismatch throws <see cref="DistributedException"/> on every rank, naming
    /// the variable and both shapes, before any value changes.
    /// </summary>
    public void Synchronize(Session session)
    {
        ArgumentNullException.ThrowIfNull(session);
        Expr[] state = [.. Variables, .. SlotVariables, .. StateVariables];
        var mine = Describe(state);
        var all = Enumerable.Range(0, Collective.Size).Select(r => Collective.Broadcast(mine, r)).ToArray();
        for (var r = 1; r < all.Length; r++)
        {
            if (Difference(all[0], all[r], r) is { } problem)
            {
                throw new DistributedException($"DataParallelStep: the ranks built different models: {problem}. Every rank must build the same model (the same command line and code).", true);
            }
        }
        foreach (var v in state)
        {
            var value = session.GetValue(v);
            if (v.DType == DType.Float32)
            {
                var data = value.ToFloatArray();
                Collective.Broadcast(data, 0);
                if (Collective.Rank != 0) { session.Assign(v, Tensor.Create(v.Shape, data)); }
            }
            else
            {
                var data = value.ToDoubleArray();
                Collective.Broadcast(data, 0);
                if (Collective.Rank != 0) { session.Assign(v, Tensor.FromSpan(v.Shape, data, v.DType)); }
            }
        }
    }

    /// <summary>
    /// One step on every rank: computes the loss and gradients on <paramref name="feeds"/> (this rank's
    /// <paramref name="rows"/> of a global batch of <paramref name="globalRows"/>), sums the gradients
    /// weighted by rows/globalRows across ranks, and applies the update. Returns the loss of the whole global
    /// batch (the same on every rank), as a single process would report it for that batch.
    /// </summary>
    public double Run(Session session, IReadOnlyDictionary<Expr, Tensor> feeds, int rows, int globalRows)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(feeds);
        if (rows < 0 || globalRows < 1 || rows > globalRows)
        {
            throw new FuncNetException($"DataParallelStep.Run: expected 0 ≤ rows ≤ globalRows and globalRows ≥ 1; given rows {rows}, globalRows {globalRows}.");
        }
        var local = session.Run(_fetches, feeds);
        // Each rank's loss is the mean over its rows, so weighting by rows/globalRows makes the sum the mean
        // over the global batch (with equal shards of N ranks the weight is 1/N, exact for N a power of two).
        var share = (double)rows / globalRows;
        var applied = new Dictionary<Expr, Tensor>(_gradientFeeds.Length + 1);
        foreach (var bucket in _buckets)
        {
            var reduced = bucket.Reduce(Collective, local, share);
            for (var i = 0; i < bucket.Entries.Length; i++)
            {
                var e = bucket.Entries[i];
                applied[e.Index == 0 ? _lossFeed : _gradientFeeds[e.Index - 1]] = reduced[i];
            }
        }
        for (var i = 0; i < _stateFeeds.Length; i++) { applied[_stateFeeds[i]] = local[1 + _gradientFeeds.Length + i]; }
        return session.Run(_apply, applied).ToScalar();
    }

    private static string Describe(IEnumerable<Expr> state) =>
        string.Join("\n", state.Select(v => $"{v.Name}\t{v.Shape}\t{v.DType}"));

    /// <summary>The first difference between rank 0's description and rank <paramref name="rank"/>'s, or null.</summary>
    private static string? Difference(string first, string other, int rank)
    {
        var a = first.Split('\n');
        var b = other.Split('\n');
        for (var i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            if (i >= a.Length) { return $"variable '{b[i].Split('\t')[0]}' (shape {b[i].Split('\t')[1]}) exists on rank {rank} but not on rank 0 ({a.Length} variables there, {b.Length} on rank {rank})"; }
            if (i >= b.Length) { return $"variable '{a[i].Split('\t')[0]}' (shape {a[i].Split('\t')[1]}) exists on rank 0 but not on rank {rank} ({a.Length} variables on rank 0, {b.Length} there)"; }
            if (a[i] == b[i]) { continue; }
            var (x, y) = (a[i].Split('\t'), b[i].Split('\t'));
            return x[0] == y[0]
                ? $"variable '{x[0]}' has shape {x[1]} {x[2]} on rank 0 but {y[1]} {y[2]} on rank {rank}"
                : $"variable {i + 1} is '{x[0]}' (shape {x[1]}) on rank 0 but '{y[0]}' (shape {y[1]}) on rank {rank}";
        }
        return null;
    }

    /// <summary>Where one output (0: the loss, i: gradient of variable i) lies in a bucket.</summary>
    private readonly record struct Entry(int Index, Shape Shape, int Offset, int Length);

    /// <summary>Outputs of one dtype packed into one buffer, summed by one allreduce call.</summary>
    private sealed class Bucket(DType dtype, Entry[] entries)
    {
        private readonly float[] _floats = dtype == DType.Float32 ? new float[entries.Sum(e => e.Length)] : [];
        private readonly double[] _doubles = dtype == DType.Float32 ? [] : new double[entries.Sum(e => e.Length)];

        public Entry[] Entries { get; } = entries;

        /// <summary>Groups the loss and the variables' gradients by dtype, in order, into buckets of at most <paramref name="limit"/> elements.</summary>
        public static Bucket[] Plan(IReadOnlyList<Expr> outputs, int limit)
        {
            var buckets = new List<Bucket>();
            foreach (var group in outputs.Select((o, i) => (Expr: o, Index: i)).GroupBy(o => o.Expr.DType))
            {
                var entries = new List<Entry>();
                var offset = 0;
                foreach (var (expr, index) in group)
                {
                    var length = expr.Shape.Size;
                    if (entries.Count > 0 && offset + length > limit)
                    {
                        buckets.Add(new Bucket(group.Key, [.. entries]));
                        (entries, offset) = ([], 0);
                    }
                    entries.Add(new Entry(index, expr.Shape, offset, length));
                    offset += length;
                }
                buckets.Add(new Bucket(group.Key, [.. entries]));
            }
            return [.. buckets];
        }

        /// <summary>Packs this rank's outputs times <paramref name="share"/>, sums them across ranks, and unpacks the sums as tensors.</summary>
        public Tensor[] Reduce(ICollective collective, Tensor[] local, double share)
        {
            if (dtype == DType.Float32)
            {
                Pack(_floats, local, (float)share);
                collective.AllReduceSum(_floats);
                return Entries.Select(e => Tensor.Create(e.Shape, _floats.AsSpan(e.Offset, e.Length))).ToArray();
            }
            Pack(_doubles, local, share);
            collective.AllReduceSum(_doubles);
            return Entries.Select(e => Tensor.FromSpan(e.Shape, _doubles.AsSpan(e.Offset, e.Length), dtype)).ToArray();
        }

        private void Pack<T>(T[] buffer, Tensor[] local, T share) where T : struct, IFloatingPoint<T>
        {
            foreach (var e in Entries)
            {
                var values = local[e.Index].ToArray<T>();
                var target = buffer.AsSpan(e.Offset, e.Length);
                for (var i = 0; i < values.Length; i++) { target[i] = values[i] * share; }
            }
        }
    }
}
