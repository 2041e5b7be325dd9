using FuncNet.Expressions;

namespace FuncNet;

/// <summary>eˣ; its derivative is its value.</summary>
internal sealed record ExpOp : UnaryOp
{
    public override string Name => "Exp";

    internal override ScalarExpr Formula(ScalarExpr x) => ScalarExpr.Exp(x);

    internal override Expr Derivative(Expr x, Expr y) => y;
}

public static partial class Ops
{
    /// <summary>Elementwise eˣ.</summary>
    public static Expr Exp(Expr x) => Expr.Make(new ExpOp(), x);
}
