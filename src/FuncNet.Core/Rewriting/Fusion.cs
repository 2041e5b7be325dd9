using FuncNet.Expressions;

namespace FuncNet.Rewriting;

/// <summary>
/// The last rewrite stage: groups chains of elementwise ops into single <see cref="MapOp"/> nodes, whose
/// body is the composition and which every backend runs as one kernel (one pass over memory instead of
/// one per op). A producer is absorbed into its consumer when the consumer is its only user and it has
/// the consumer's shape (so nothing is recomputed); scalar constants are inlined into bodies.
/// </summary>
internal static class Fusion
{
    public static Expr[] Fuse(IReadOnlyList<Expr> roots)
    {
        var order = GraphWalk.Topological(roots);
        var users = new Dictionary<Expr, int>();
        foreach (var n in order)
        {
            foreach (var i in n.Inputs) { users[i] = users.GetValueOrDefault(i) + 1; }
        }
        foreach (var r in roots) { users[r] = users.GetValueOrDefault(r) + 1; }

        // A node is absorbed when its single user is a fusible node of the same shape; it then belongs to
        // that user's group. Walking users-first gives every absorbed node its group's root.
        var userOf = new Dictionary<Expr, Expr>();
        foreach (var n in order)
        {
            if (!Fusible(n)) { continue; }
            foreach (var i in n.Inputs)
            {
                if (Fusible(i) && users[i] == 1 && i.Shape == n.Shape && i.DType == n.DType)
                {
                    userOf[i] = n;
                }
            }
        }
        var groupOf = new Dictionary<Expr, Expr>();
        for (var k = order.Count - 1; k >= 0; k--)
        {
            var n = order[k];
            groupOf[n] = userOf.TryGetValue(n, out var user) ? groupOf[user] : n;
        }
        var members = order.Where(userOf.ContainsKey).GroupBy(n => groupOf[n]).ToDictionary(g => g.Key, g => g.ToList());

        var replaced = new Dictionary<Expr, Expr>();
        foreach (var n in order)
        {
            if (userOf.ContainsKey(n))
            {
                continue;
            }
            if (members.TryGetValue(n, out var group) || (Fusible(n) && n.Inputs.Any(IsScalarBroadcast)))
            {
                replaced[n] = BuildGroup(n, group ?? [], replaced);
            }
            else
            {
                var inputs = n.Inputs.Select(i => replaced[i]).ToArray();
                replaced[n] = inputs.SequenceEqual(n.Inputs) ? n : Expr.Make(n.Op, inputs);
            }
        }
        return roots.Select(r => replaced[r]).ToArray();
    }

    /// <summary>A scalar (or one-element constant) broadcast out to a shape: what a map can read as the scalar itself.</summary>
    private static bool IsScalarBroadcast(Expr n) =>
        n.Op is BroadcastLikeOp or BroadcastToOp && n.Inputs[0].DType == n.DType &&
        (n.Inputs[0].Rank == 0 || (n.Inputs[0].Op is ConstantOp c && c.Value.Size == 1));

    /// <summary>Elementwise ops on one float dtype (casts and int maps stay separate kernels).</summary>
    private static bool Fusible(Expr n) =>
        n.Op is ElementwiseOp and not CastOp && n.DType.IsFloat() && n.Inputs.All(i => i.DType == n.DType || n.Op is WhereOp);

    /// <summary>The map whose body composes the group rooted at <paramref name="root"/> (its absorbed members in topological order) over its leaves.</summary>
    /// <remarks>
    /// A scalar broadcast out to a member's shape (<c>BroadcastLike(0.5, y)</c>, as gradients of scalar factors
    /// produce) is read as the scalar itself, since the map broadcasts its inputs anyway: one kernel (and one
    /// buffer) fewer. Should the map's shape then come out smaller than the group's, the group is built again
    /// with the broadcasts kept as inputs.
    /// </remarks>
    private static Expr BuildGroup(Expr root, List<Expr> absorbedMembers, Dictionary<Expr, Expr> replaced, bool inlineConstants = true, bool absorbScalarBroadcasts = true)
    {
        var leaves = new List<Expr>();
        var leafIndex = new Dictionary<Expr, int>();
        var body = new Dictionary<Expr, Expr>();
        Expr Operand(Expr input)
        {
            if (body.TryGetValue(input, out var inner))
            {
                return inner;
            }
            if (inlineConstants && input.Op is ConstantOp && input.Rank == 0)
            {
                return input;
            }
            if (absorbScalarBroadcasts && IsScalarBroadcast(input))
            {
                var source = input.Inputs[0];
                if (source.Op is not ConstantOp || source.Rank == 0)
                {
                    return Operand(source);
                }
                if (inlineConstants)
                {
                    // A one-element constant of any rank is read as the rank-0 constant of its value.
                    var c = ((ConstantOp)source.Op).Value;
                    return Expr.Constant(Tensor.Scalar(c.GetDouble(0), c.DType));
                }
            }
            var leaf = replaced[input];
            if (!leafIndex.TryGetValue(leaf, out var index))
            {
                leafIndex[leaf] = index = leaves.Count;
                leaves.Add(leaf);
            }
            return Expr.Make(new MapSymbolOp(index, leaf.DType));
        }
        foreach (var m in absorbedMembers.Append(root))
        {
            var operands = m.Inputs.Select(Operand).ToArray();
            body[m] = m.Op is MapOp map ? Inline(map, operands) : Expr.Make(m.Op, operands);
        }
        // A group fed by nothing but scalar constants still needs an input to take its shape from: keep the
        // constants as leaves then (rewriting normally folds such groups before they get here).
        if (leaves.Count == 0 && inlineConstants)
        {
            return BuildGroup(root, absorbedMembers, replaced, inlineConstants: false, absorbScalarBroadcasts);
        }
        var fused = Ops.MapBody(body[root], leaves);
        return absorbScalarBroadcasts && fused.Shape != root.Shape
            ? BuildGroup(root, absorbedMembers, replaced, inlineConstants, absorbScalarBroadcasts: false)
            : fused;
    }

    /// <summary>A map's body with its symbols replaced by the given scalar operands.</summary>
    private static Expr Inline(MapOp map, Expr[] operands)
    {
        var substituted = new Dictionary<Expr, Expr>();
        foreach (var n in GraphWalk.Topological([map.Body]))
        {
            substituted[n] = n.Op switch
            {
                MapSymbolOp s => operands[s.Index],
                _ when n.Inputs.Count == 0 => n,
                _ => Expr.Make(n.Op, n.Inputs.Select(i => substituted[i]).ToArray()),
            };
        }
        return substituted[map.Body];
    }
}
