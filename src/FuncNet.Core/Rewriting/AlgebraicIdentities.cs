using FuncNet.Tensors;

namespace FuncNet.Rewriting;

/// <summary>Canonicalizing identities: x·1, x+0, x−0, x/1, x·0 (keeping the shape), −(−x), and structural collapses.</summary>
internal static class AlgebraicIdentities
{
    private static bool IsAll(Expr e, double v) => e.Op is ConstantOp c && c.IsAll(v);

    /// <summary>The operand itself, when it already has the node's shape and dtype.</summary>
    private static Expr? Keep(Expr node, Expr operand) =>
        operand.Shape == node.Shape && operand.DType == node.DType ? operand : null;

    public static readonly RewriteRule AddZero = new("x + 0 → x", node => node.Op switch
    {
        AddOp when IsAll(node.Inputs[1], 0) => Keep(node, node.Inputs[0]),
        AddOp when IsAll(node.Inputs[0], 0) => Keep(node, node.Inputs[1]),
        SubtractOp when IsAll(node.Inputs[1], 0) => Keep(node, node.Inputs[0]),
        SubtractOp when IsAll(node.Inputs[0], 0) && Keep(node, node.Inputs[1]) is { } x => -x,
        _ => null,
    });

    public static readonly RewriteRule MultiplyOne = new("x · 1 → x", node => node.Op switch
    {
        MultiplyOp when IsAll(node.Inputs[1], 1) => Keep(node, node.Inputs[0]),
        MultiplyOp when IsAll(node.Inputs[0], 1) => Keep(node, node.Inputs[1]),
        DivideOp when IsAll(node.Inputs[1], 1) => Keep(node, node.Inputs[0]),
        MultiplyOp when IsAll(node.Inputs[1], -1) && Keep(node, node.Inputs[0]) is { } x => -x,
        MultiplyOp when IsAll(node.Inputs[0], -1) && Keep(node, node.Inputs[1]) is { } x => -x,
        _ => null,
    });

    public static readonly RewriteRule MultiplyZero = new("x · 0 → zeros of the shape", node =>
    {
        if (node.Op is not MultiplyOp || !(IsAll(node.Inputs[0], 0) || IsAll(node.Inputs[1], 0)))
        {
            return null;
        }
        if (node.Shape.IsFullyKnown)
        {
            return Ops.BroadcastTo(Expr.Constant(0.0, node.DType), node.Shape);
        }
        var like = node.Inputs.FirstOrDefault(i => i.Shape == node.Shape);
        return like is null ? null : Ops.ZerosLike(like);
    });

    public static readonly RewriteRule DoubleNegation = new("−(−x) → x", node =>
        node.Op is NegativeOp && node.Inputs[0].Op is NegativeOp ? node.Inputs[0].Inputs[0] : null);

    public static readonly RewriteRule TransposeChain = new("transpose ∘ transpose → one transpose", node =>
    {
        if (node.Op is not TransposeOp outer || node.Inputs[0].Op is not TransposeOp inner)
        {
            return null;
        }
        var composed = outer.Permutation.Select(p => inner.Permutation[p]).ToArray();
        return Ops.Transpose(node.Inputs[0].Inputs[0], composed);
    });

    public static readonly RewriteRule ReshapeChain = new("reshape ∘ reshape → one reshape", node => node.Op switch
    {
        ReshapeOp or ExpandDimsOp when node.Inputs[0].Op is ReshapeOp or ExpandDimsOp && node.Shape.Count(d => d == Shape.Unknown) <= 1 =>
            Ops.Reshape(node.Inputs[0].Inputs[0], node.Shape),
        ReshapeOp when node.Inputs[0].Shape == node.Shape && node.Shape.IsFullyKnown => node.Inputs[0],
        _ => null,
    });

    public static readonly RewriteRule TrivialBroadcast = new("broadcast or sum to the same shape → x", node =>
        node.Op is BroadcastLikeOp or SumToOp or BroadcastToOp && node.Inputs[0].Shape == node.Shape && node.Shape.IsFullyKnown
            ? node.Inputs[0]
            : null);

    /// <summary>Summing a broadcast over exactly the broadcast axes multiplies by the number of copies.</summary>
    public static readonly RewriteRule BroadcastThenReduce = new("sum of a broadcast → scaled value", node =>
    {
        if (node.Op is not (SumToOp or ReduceSumOp) || node.Inputs[0].Op is not (BroadcastLikeOp or BroadcastToOp))
        {
            return null;
        }
        var x = node.Inputs[0].Inputs[0];
        var broadcast = node.Inputs[0].Shape;
        if (!broadcast.IsFullyKnown || !x.Shape.IsFullyKnown || !node.Shape.IsFullyKnown || node.Shape.Size != x.Shape.Size)
        {
            return null;
        }
        // The sum collapses exactly the copies iff the reduced result has x's elements in x's layout.
        var axes = node.Op is ReduceSumOp r ? r.Axes.ToArray() : Broadcasting.BroadcastAxes(node.Shape, broadcast);
        var stretched = Broadcasting.BroadcastAxes(x.Shape, broadcast);
        if (!axes.Order().SequenceEqual(stretched))
        {
            return null;
        }
        var copies = broadcast.Size / Math.Max(1, x.Shape.Size);
        return Ops.Reshape(x * (double)copies, node.Shape);
    });

    public static readonly RewriteRule[] All =
        [AddZero, MultiplyOne, MultiplyZero, DoubleNegation, TransposeChain, ReshapeChain, TrivialBroadcast, BroadcastThenReduce];
}
