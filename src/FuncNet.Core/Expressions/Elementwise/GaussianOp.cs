using FuncNet.Expressions;

namespace FuncNet;

/// <summary>The Gaussian bump e^(−x²).</summary>
internal sealed record GaussianOp : UnaryOp
{
    public override string Name => "Gaussian";

    internal override ScalarExpr Formula(ScalarExpr x) => ScalarExpr.Exp(-(x * x));

    internal override Expr Derivative(Expr x, Expr y) => -2.0 * x * y;
}

public static partial class Ops
{
    /// <summary>Elementwise Gaussian e^(−x²).</summary>
    public static Expr Gaussian(Expr x) => Expr.Make(new GaussianOp(), x);
}
