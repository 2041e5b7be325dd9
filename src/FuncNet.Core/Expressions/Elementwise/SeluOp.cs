using FuncNet.Expressions;

namespace FuncNet;

/// <summary>The self-normalizing λ·ELU_α with the constants of Klambauer et al. (2017).</summary>
internal sealed record SeluOp : UnaryOp
{
    internal const double Lambda = 1.0507009873554804934193349852946;
    internal const double Alpha = 1.6732632423543772848170429916717;

    public override string Name => "Selu";

    internal override ScalarExpr Formula(ScalarExpr x) =>
        ScalarExpr.Select(ScalarExpr.Greater(x, 0.0), Lambda * x, Lambda * Alpha * (ScalarExpr.Exp(x) - 1.0));

    internal override Expr Derivative(Expr x, Expr y) => Ops.Where(Ops.Greater(y, 0.0), Lambda, y + Lambda * Alpha);
}

public static partial class Ops
{
    /// <summary>Elementwise SELU: λx for x &gt; 0, λα(eˣ − 1) otherwise (λ ≈ 1.0507, α ≈ 1.6733).</summary>
    public static Expr Selu(Expr x) => Expr.Make(new SeluOp(), x);
}
