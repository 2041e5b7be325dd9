using FuncNet.Expressions;

namespace FuncNet.Transforms;

/// <summary>
/// The vectorizing map (JAX's vmap) behind LINQ's <c>from row in x.Rows() select g(row)</c>: g is traced once
/// on a stand-in for one row, then the traced graph is rebuilt bottom-up so that every node depending on the
/// row gets a leading batch axis. Each op states how in its own file (<see cref="Op.Batch"/>, with the helpers
/// in <see cref="Batching"/>); this class holds only the walk, a transformation like differentiation. The
/// result is ordinary Expr: one batched node per traced node, no loop over rows, and differentiable like
/// anything else.
/// </summary>
internal static class Vmap
{
    /// <summary>g mapped over the leading axis of x; <paramref name="query"/> names the caller in errors.</summary>
    public static Expr Apply(Expr x, Func<Expr, Expr> g, string query)
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
        return isBatched.Contains(body) ? output : Batching.WithBatch(output, batchReference);
    }
}
