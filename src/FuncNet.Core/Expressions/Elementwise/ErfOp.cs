using FuncNet.Expressions;

namespace FuncNet;

/// <summary>The error function erf x = (2/√π) ∫₀ˣ e^(−t²) dt.</summary>
internal sealed record ErfOp : UnaryOp
{
    /// <summary>2/√π, the derivative's scale.</summary>
    internal const double TwoOverSqrtPi = 1.1283791670955126;

    public override string Name => "Erf";

    internal override ScalarExpr Formula(ScalarExpr x) => ScalarExpr.Erf(x);

    internal override Expr Derivative(Expr x, Expr y) => TwoOverSqrtPi * Ops.Gaussian(x);
}

public static partial class Ops
{
    /// <summary>Elementwise error function erf x.</summary>
    public static Expr Erf(Expr x) => Expr.Make(new ErfOp(), x);
}
