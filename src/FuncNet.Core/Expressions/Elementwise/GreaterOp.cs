using FuncNet.Expressions;

namespace FuncNet;

/// <summary>1 where a &gt; b, else 0, in the inputs' dtype.</summary>
internal sealed record GreaterOp : ComparisonOp
{
    public override string Name => "Greater";

    internal override ScalarExpr Formula(ScalarExpr a, ScalarExpr b) => ScalarExpr.Call(ScalarFn.Greater, a, b);
}

public static partial class Ops
{
    /// <summary>Elementwise comparison a &gt; b with broadcasting: 1 where it holds, 0 elsewhere, in the inputs' dtype, not bool as in PyTorch (no gradient).</summary>
    public static Expr Greater(Expr a, Expr b) => Binary(new GreaterOp(), a, b);
}
