using FuncNet.Expressions;
using FuncNet.Rewriting;

namespace FuncNet.Differentiation;

/// <summary>
/// Reverse accumulation over the part of the DAG between the targets and the output: nodes in reverse
/// topological order, each node's gradient the sum of its users' contributions, each op's VJP rule written
/// in Expr. Iterative, so depth is unlimited; the gradient reuses forward nodes, so its size is a small
/// constant times the forward graph's, and it can be differentiated again.
/// </summary>
internal static class ReverseMode
{
    public static Expr[] Gradients(Expr y, IReadOnlyList<Expr> xs, Expr? seed)
    {
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(xs);
        if (!y.DType.IsFloat())
        {
            throw new DTypeException($"Gradients: the output must be Float32 or Float64 to differentiate; given {y.DType} ({y}).");
        }
        if (seed is not null)
        {
            if (!seed.Shape.IsCompatibleWith(y.Shape) || seed.DType != y.DType)
            {
                throw new ShapeException($"Gradients: the seed must have the output's shape {y.Shape} and dtype {y.DType}; given {seed.Shape} {seed.DType}.");
            }
        }
        var targets = new HashSet<Expr>(xs);
        y = Stabilized(y, targets);
        var order = GraphWalk.Topological([y]);
        // Only nodes on a path from a target to y carry gradient.
        var onPath = new HashSet<Expr>();
        foreach (var n in order)
        {
            if (targets.Contains(n) || n.Inputs.Any(onPath.Contains))
            {
                onPath.Add(n);
            }
        }
        var pending = new Dictionary<Expr, List<Expr>>();
        var total = new Dictionary<Expr, Expr>();
        if (onPath.Contains(y))
        {
            pending[y] = [seed ?? Ops.OnesLike(y)];
        }
        for (var k = order.Count - 1; k >= 0; k--)
        {
            var node = order[k];
            if (!pending.Remove(node, out var parts))
            {
                continue;
            }
            var g = Sum(parts);
            total[node] = g;
            if (!node.Inputs.Any(onPath.Contains))
            {
                continue;
            }
            var vjps = node.Op.Vjp(node, g);
            for (var i = 0; i < node.Inputs.Count; i++)
            {
                var input = node.Inputs[i];
                if (vjps[i] is { } contribution && onPath.Contains(input) && input.DType.IsFloat())
                {
                    if (!pending.TryGetValue(input, out var list))
                    {
                        pending[input] = list = [];
                    }
                    list.Add(contribution);
                }
            }
        }
        // An unconnected target's gradient is zero, with its shape (documented on Ops.Gradients).
        return xs.Select(x => total.TryGetValue(x, out var g) ? g : Ops.ZerosLike(x)).ToArray();
    }

    /// <summary>
    /// The rewrites that change what a gradient computes, so they must run before differentiating: stability
    /// (see <see cref="Stabilized"/>) and cost (max pooling moved ahead of the bias and activation, so that
    /// their gradients also run on pooled images).
    /// </summary>
    private static readonly RewriteRule[] BeforeDifferentiating = [.. Stabilization.All, .. PoolingFirst.All];

    /// <summary>
    /// The output with fragile compositions replaced by stable ops (log ∘ softmax → LogSoftmax, …) before
    /// differentiating: otherwise the gradient of log(softmax(z)) divides by a probability that rounded to
    /// zero and is NaN at large logits, although the value itself is rewritten into a finite one. Kept only
    /// when every target the output depended on is still in the stabilized graph.
    /// </summary>
    private static Expr Stabilized(Expr y, HashSet<Expr> targets)
    {
        var stable = Simplifier.Simplify([y], BeforeDifferentiating)[0];
        if (stable == y)
        {
            return y;
        }
        var before = GraphWalk.Topological([y]).Where(targets.Contains);
        var after = GraphWalk.Topological([stable]).ToHashSet();
        return before.All(after.Contains) ? stable : y;
    }

    /// <summary>Sums fan-in contributions as a balanced tree, keeping the graph shallow.</summary>
    private static Expr Sum(List<Expr> parts)
    {
        while (parts.Count > 1)
        {
            var next = new List<Expr>((parts.Count + 1) / 2);
            for (var i = 0; i + 1 < parts.Count; i += 2) { next.Add(parts[i] + parts[i + 1]); }
            if (parts.Count % 2 == 1) { next.Add(parts[^1]); }
            parts = next;
        }
        return parts[0];
    }
}
