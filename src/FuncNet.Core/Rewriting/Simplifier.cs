using FuncNet.Expressions;
using FuncNet.Rewriting;

namespace FuncNet;

/// <summary>
/// Applies the rewrite rules to a fixpoint, bottom-up, in Theano's order: merge (hash-consing does the
/// merging; constants fold), canonicalize, stabilize, specialize. Every rule preserves shape, dtype and
/// values; the property tests hold each one to that.
/// </summary>
internal static class Simplifier
{
    public static readonly IReadOnlyList<RewriteRule> Rules =
    [
        Inlining.CustomVjp,
        ConstantFolding.Fold, ConstantFolding.FoldSize,
        .. AlgebraicIdentities.All,
        .. Stabilization.All,
        .. PoolingFirst.All,
        .. TransposeFolding.All,
    ];

    private const int MaxPasses = 20;

    public static Expr Simplify(Expr root) => Simplify([root], Rules)[0];

    public static Expr[] Simplify(IReadOnlyList<Expr> roots) => Simplify(roots, Rules);

    public static Expr[] Simplify(IReadOnlyList<Expr> roots, IReadOnlyList<RewriteRule> rules)
    {
        var current = roots.ToArray();
        for (var pass = 0; pass < MaxPasses; pass++)
        {
            var next = Pass(current, rules);
            if (next.SequenceEqual(current))
            {
                return next;
            }
            current = next;
        }
        return current;
    }

    private static Expr[] Pass(Expr[] roots, IReadOnlyList<RewriteRule> rules)
    {
        var replaced = new Dictionary<Expr, Expr>();
        foreach (var node in GraphWalk.Topological(roots))
        {
            var inputs = node.Inputs.Select(i => replaced[i]).ToArray();
            var rebuilt = inputs.SequenceEqual(node.Inputs) ? node : Expr.Make(node.Op, inputs);
            replaced[node] = RewriteLocally(rebuilt, rules);
        }
        return roots.Select(r => replaced[r]).ToArray();
    }

    private static Expr RewriteLocally(Expr node, IReadOnlyList<RewriteRule> rules)
    {
        for (var guard = 0; guard < 64; guard++)
        {
            Expr? next = null;
            foreach (var rule in rules)
            {
                next = rule.Apply(node);
                if (next is not null && next != node)
                {
                    break;
                }
                next = null;
            }
            if (next is null)
            {
                return node;
            }
            node = next;
        }
        return node;
    }
}

public static partial class Ops
{
    /// <summary>
    /// The expressions rewritten to a fixpoint: constants folded, identities removed, fragile compositions
    /// stabilized, transposes folded into MatMul. Values are unchanged; plans do this automatically.
    /// </summary>
    public static Expr[] Simplify(params Expr[] outputs) => Simplifier.Simplify(outputs);
}
