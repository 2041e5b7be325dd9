using FuncNet.Expressions;

namespace FuncNet;

/// <summary>The natural logarithm; log of a non-positive number is NaN or −∞, as in IEEE.</summary>
internal sealed record LogOp : UnaryOp
{
    public override string Name => "Log";

    internal override ScalarExpr Formula(ScalarExpr x) => ScalarExpr.Log(x);

    internal override Expr Derivative(Expr x, Expr y) => 1.0 / x;
}

public static partial class Ops
{
    /// <summary>Elementwise natural logarithm.</summary>
    public static Expr Log(Expr x) => Expr.Make(new LogOp(), x);
}
