namespace FuncNet.Rewriting;

/// <summary>Folds a transpose of the last two axes into the MatMul that reads it: GEMM reads it transposed instead.</summary>
internal static class TransposeFolding
{
    private static bool SwapsLastTwo(Expr e) =>
        e.Op is TransposeOp t && e.Rank >= 2
        && t.Permutation.SequenceEqual(Enumerable.Range(0, e.Rank - 2).Concat([e.Rank - 1, e.Rank - 2]));

    public static readonly RewriteRule IntoMatMul = new("transpose into MatMul flags", node =>
    {
        if (node.Op is not MatMulOp m)
        {
            return null;
        }
        Expr a = node.Inputs[0], b = node.Inputs[1];
        if (SwapsLastTwo(a))
        {
            return Ops.MatMul(a.Inputs[0], b, !m.TransposeA, m.TransposeB);
        }
        if (SwapsLastTwo(b))
        {
            return Ops.MatMul(a, b.Inputs[0], m.TransposeA, !m.TransposeB);
        }
        return null;
    });

    public static readonly RewriteRule[] All = [IntoMatMul];
}
