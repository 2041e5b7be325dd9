using FuncNet.Expressions;

namespace FuncNet;

/// <summary>1 where a &lt; b, else 0, in the inputs' dtype.</summary>
internal sealed record LessOp : ComparisonOp
{
    public override string Name => "Less";

    internal override ScalarExpr Formula(ScalarExpr a, ScalarExpr b) => ScalarExpr.Call(ScalarFn.Less, a, b);
}

public static partial class Ops
{
    /// <summary>Elementwise comparison a &lt; b with broadcasting: 1 where it holds, 0 elsewhere, in the inputs' dtype, not bool as in PyTorch (no gradient).</summary>
    public static Expr Less(Expr a, Expr b) => Binary(new LessOp(), a, b);
}
