namespace FuncNet;

/// <summary>
/// The vectorizing map (JAX's vmap) behind LINQ's <c>from row in x.Rows() select g(row)</c>: g is traced once
/// on a stand-in for one row, then the traced graph is rebuilt bottom-up so that every node depending on the
/// row gets a leading batch axis. Each op states how in its own file (<see cref="Op.Batch"/>); this class holds
/// the walk and the helpers those rules share. The result is ordinary Expr: one batched node per traced node,
/// no loop over rows, and differentiable like anything else.
/// </summary>
internal static class Batching
{
    /// <summary>g mapped over the leading axis of x; <paramref name="query"/> names the caller in errors.</summary>
    public static Expr Vmap(Expr x, Func<Expr, Expr> g, string query)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(g);
        if (x.Rank == 0)
        {
            throw new ShapeException(
                $"{query}: Rows() maps over the leading axis, so it needs a tensor of rank ≥ 1; given a scalar (shape {x.Shape}). Use Select for elementwise maps.");
        }
        // A fresh placeholder stands for one row: it has identity, so nothing else in the graph can be confused with it.
        var row = Expr.Placeholder("row", new Shape(x.Shape.Skip(1).ToArray()), x.DType);
        var body = g(row) ?? throw new FuncNetException($"{query}: the function returned null; it must return an Expr.");
        return Rebuild(body, [row], [x], [true], x);
    }

    /// <summary>
    /// <paramref name="body"/>, a graph traced over the stand-ins, rebuilt over <paramref name="values"/> (one per
    /// stand-in): the stand-ins flagged in <paramref name="batched"/> are replaced by values with a leading batch
    /// axis and every node depending on them is batched by its op's rule; the others are replaced as they are.
    /// The result always has the batch axis, as long as <paramref name="batchReference"/>'s leading axis.
    /// </summary>
    public static Expr Rebuild(Expr body, IReadOnlyList<Expr> standIns, IReadOnlyList<Expr> values, IReadOnlyList<bool> batched, Expr batchReference)
    {
        var rebuilt = new Dictionary<Expr, Expr>();
        var isBatched = new HashSet<Expr>();
        for (var i = 0; i < standIns.Count; i++)
        {
            rebuilt[standIns[i]] = values[i];
            if (batched[i]) { isBatched.Add(standIns[i]); }
        }
        foreach (var node in GraphWalk.Topological([body]))
        {
            if (rebuilt.ContainsKey(node) || !node.Inputs.Any(rebuilt.ContainsKey))
            {
                continue;
            }
            var inputs = node.Inputs.Select(i => rebuilt.GetValueOrDefault(i, i)).ToArray();
            if (!node.Inputs.Any(isBatched.Contains))
            {
                // Depends only on unbatched stand-ins: the same node over their values.
                rebuilt[node] = Expr.Make(node.Op, inputs);
                continue;
            }
            var flags = node.Inputs.Select(isBatched.Contains).ToArray();
            var result = node.Op.Batch(node, inputs, flags);
            rebuilt[node] = result;
            if (result.Rank == node.Rank + 1)
            {
                isBatched.Add(node);
            }
            else if (result.Rank != node.Rank)
            {
                throw new InvalidOperationException($"The batching rule of {node.Op.Name} returned shape {result.Shape} for a node of shape {node.Shape}.");
            }
        }
        var output = rebuilt.GetValueOrDefault(body, body);
        // The body ignored its batched stand-ins (or only read their shapes): every row of the result is the same value.
        return isBatched.Contains(body) ? output : WithBatch(output, batchReference);
    }

    /// <summary>
    /// Inserts length-1 axes right after the batch axis of each batched input so that it has rank
    /// <paramref name="rank"/> + 1; unbatched inputs already line up at the right (numpy broadcasting).
    /// </summary>
    public static Expr[] AlignBatched(IReadOnlyList<Expr> inputs, IReadOnlyList<bool> batched, int rank)
    {
        var result = new Expr[inputs.Count];
        for (var i = 0; i < inputs.Count; i++)
        {
            var missing = rank + 1 - inputs[i].Rank;
            result[i] = batched[i] && missing > 0 ? Ops.ExpandDims(inputs[i], Enumerable.Range(1, missing).ToArray()) : inputs[i];
        }
        return result;
    }

    /// <summary>Every input with a batch axis: unbatched ones are repeated along a new leading axis as long as the first batched one's.</summary>
    public static Expr[] AllBatched(IReadOnlyList<Expr> inputs, IReadOnlyList<bool> batched)
    {
        var reference = inputs[Enumerable.Range(0, inputs.Count).First(i => batched[i])];
        return inputs.Select((x, i) => batched[i] ? x : WithBatch(x, reference)).ToArray();
    }

    /// <summary>
    /// u repeated along a new leading axis as long as <paramref name="reference"/>'s leading axis (which may
    /// be known only at run time): u + zeros of shape [B, 1, …], so it stays differentiable in u.
    /// </summary>
    public static Expr WithBatch(Expr u, Expr reference)
    {
        var lead = reference.Rank == 1 ? reference : Ops.ReduceSum(reference, Enumerable.Range(1, reference.Rank - 1).ToArray());
        var zeros = Ops.BroadcastLike(Expr.Constant(0.0, u.DType), lead);
        var expanded = u.Rank == 0 ? zeros : Ops.ExpandDims(zeros, Enumerable.Range(1, u.Rank).ToArray());
        return Ops.ExpandDims(u, 0) + expanded;
    }

    /// <summary>Axes shifted past the batch axis.</summary>
    public static IntList Shift(IntList axes) => new(axes.Select(a => a + 1));

    /// <summary>Prepends a value to an attribute list (a begin of 0, a size of -1 for the batch axis).</summary>
    public static IntList Prepend(int first, IntList rest) => new([first, .. rest]);
}
