using FuncNet.Expressions;

namespace FuncNet;

/// <summary>x for x &gt; 0, α(eˣ − 1) otherwise.</summary>
internal sealed record EluOp(double Alpha) : UnaryOp
{
    public override string Name => "Elu";

    internal override ScalarExpr Formula(ScalarExpr x) =>
        ScalarExpr.Select(ScalarExpr.Greater(x, 0.0), x, Alpha * (ScalarExpr.Exp(x) - 1.0));

    internal override Expr Derivative(Expr x, Expr y) => Ops.Where(Ops.Greater(y, 0.0), 1.0, y + Alpha);

    internal override string Format(IReadOnlyList<string> inputs) => $"Elu({inputs[0]}, {Alpha})";
}

public static partial class Ops
{
    /// <summary>Elementwise ELU: x for x &gt; 0, α(eˣ − 1) otherwise.</summary>
    public static Expr Elu(Expr x, double alpha) => Expr.Make(new EluOp(alpha), x);

    /// <summary>Elementwise ELU with α = 1.</summary>
    public static Expr Elu(Expr x) => Elu(x, 1.0);
}
