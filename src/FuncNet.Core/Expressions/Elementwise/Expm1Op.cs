using FuncNet.Expressions;

namespace FuncNet;

/// <summary>eˣ − 1, accurate for x near 0 where eˣ − 1 would cancel.</summary>
internal sealed record Expm1Op : UnaryOp
{
    public override string Name => "Expm1";

    internal override ScalarExpr Formula(ScalarExpr x) => ScalarExpr.Expm1(x);

    internal override Expr Derivative(Expr x, Expr y) => y + 1.0;
}

public static partial class Ops
{
    /// <summary>Elementwise eˣ − 1, accurate for small x.</summary>
    public static Expr Expm1(Expr x) => Expr.Make(new Expm1Op(), x);
}
