using FuncNet.Expressions;

namespace FuncNet;

/// <summary>The hyperbolic tangent.</summary>
internal sealed record TanhOp : UnaryOp
{
    public override string Name => "Tanh";

    internal override ScalarExpr Formula(ScalarExpr x) => ScalarExpr.Tanh(x);

    internal override Expr Derivative(Expr x, Expr y) => 1.0 - y * y;
}

public static partial class Ops
{
    /// <summary>Elementwise hyperbolic tangent.</summary>
    public static Expr Tanh(Expr x) => Expr.Make(new TanhOp(), x);
}
