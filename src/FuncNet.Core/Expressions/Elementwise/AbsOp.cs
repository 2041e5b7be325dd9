using FuncNet.Expressions;

namespace FuncNet;

/// <summary>|x|; its derivative at 0 is 0 (the sign).</summary>
internal sealed record AbsOp : UnaryOp
{
    public override string Name => "Abs";

    internal override ScalarExpr Formula(ScalarExpr x) => ScalarExpr.Abs(x);

    internal override Expr Derivative(Expr x, Expr y) => Ops.Sign(x);
}

public static partial class Ops
{
    /// <summary>Elementwise absolute value (derivative at 0 is 0).</summary>
    public static Expr Abs(Expr x) => Expr.Make(new AbsOp(), x);
}
