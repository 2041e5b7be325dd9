using FuncNet.Expressions;

namespace FuncNet;

/// <summary>The square root.</summary>
internal sealed record SqrtOp : UnaryOp
{
    public override string Name => "Sqrt";

    internal override ScalarExpr Formula(ScalarExpr x) => ScalarExpr.Sqrt(x);

    internal override Expr Derivative(Expr x, Expr y) => 0.5 / y;
}

public static partial class Ops
{
    /// <summary>Elementwise square root.</summary>
    public static Expr Sqrt(Expr x) => Expr.Make(new SqrtOp(), x);
}
