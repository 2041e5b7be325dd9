using FuncNet.Expressions;

namespace FuncNet;

/// <summary>The logistic function 1 / (1 + e⁻ˣ): exp overflow gives the correct limit 0, never NaN.</summary>
internal sealed record SigmoidOp : UnaryOp
{
    public override string Name => "Sigmoid";

    internal override ScalarExpr Formula(ScalarExpr x) => 1.0 / (1.0 + ScalarExpr.Exp(-x));

    internal override Expr Derivative(Expr x, Expr y) => y * (1.0 - y);
}

public static partial class Ops
{
    /// <summary>Elementwise logistic sigmoid 1 / (1 + e⁻ˣ).</summary>
    public static Expr Sigmoid(Expr x) => Expr.Make(new SigmoidOp(), x);
}
