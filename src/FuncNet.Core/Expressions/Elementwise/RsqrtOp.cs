using FuncNet.Expressions;

namespace FuncNet;

/// <summary>The reciprocal square root 1/√x.</summary>
internal sealed record RsqrtOp : UnaryOp
{
    public override string Name => "Rsqrt";

    internal override ScalarExpr Formula(ScalarExpr x) => 1.0 / ScalarExpr.Sqrt(x);

    internal override Expr Derivative(Expr x, Expr y) => -0.5 * (y * y * y);
}

public static partial class Ops
{
    /// <summary>Elementwise reciprocal square root 1/√x.</summary>
    public static Expr Rsqrt(Expr x) => Expr.Make(new RsqrtOp(), x);
}
