using FuncNet.Expressions;

namespace FuncNet;

/// <summary>ln(1 + x), accurate for x near 0 where ln(1 + x) would round 1 + x first.</summary>
internal sealed record Log1pOp : UnaryOp
{
    public override string Name => "Log1p";

    internal override ScalarExpr Formula(ScalarExpr x) => ScalarExpr.Log1p(x);

    internal override Expr Derivative(Expr x, Expr y) => 1.0 / (1.0 + x);
}

public static partial class Ops
{
    /// <summary>Elementwise ln(1 + x), accurate for small x.</summary>
    public static Expr Log1p(Expr x) => Expr.Make(new Log1pOp(), x);
}
