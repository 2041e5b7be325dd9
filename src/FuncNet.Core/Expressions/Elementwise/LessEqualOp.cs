using FuncNet.Expressions;

namespace FuncNet;

/// <summary>1 where a ≤ b, else 0, in the inputs' dtype.</summary>
internal sealed record LessEqualOp : ComparisonOp
{
    public override string Name => "LessEqual";

    internal override ScalarExpr Formula(ScalarExpr a, ScalarExpr b) => ScalarExpr.Call(ScalarFn.LessEqual, a, b);
}

public static partial class Ops
{
    /// <summary>Elementwise comparison a ≤ b with broadcasting: 1 where it holds, 0 elsewhere, in the inputs' dtype, not bool as in PyTorch (no gradient).</summary>
    public static Expr LessEqual(Expr a, Expr b) => Binary(new LessEqualOp(), a, b);
}
