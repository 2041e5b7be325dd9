using FuncNet.Expressions;

namespace FuncNet;

/// <summary>ln(1 + eˣ), computed as max(x, 0) + ln(1 + e^−|x|) so that it never overflows.</summary>
internal sealed record SoftplusOp : UnaryOp
{
    public override string Name => "Softplus";

    internal override ScalarExpr Formula(ScalarExpr x) => ScalarExpr.Max(x, 0.0) + ScalarExpr.Log1p(ScalarExpr.Exp(-ScalarExpr.Abs(x)));

    internal override Expr Derivative(Expr x, Expr y) => Ops.Sigmoid(x);
}

public static partial class Ops
{
    /// <summary>Elementwise softplus ln(1 + eˣ), stable for large |x|.</summary>
    public static Expr Softplus(Expr x) => Expr.Make(new SoftplusOp(), x);
}
