using FuncNet.Expressions;

namespace FuncNet;

/// <summary>The sine (radians).</summary>
internal sealed record SinOp : UnaryOp
{
    public override string Name => "Sin";

    internal override ScalarExpr Formula(ScalarExpr x) => ScalarExpr.Sin(x);

    internal override Expr Derivative(Expr x, Expr y) => Ops.Cos(x);
}

public static partial class Ops
{
    /// <summary>Elementwise sine of an angle in radians.</summary>
    public static Expr Sin(Expr x) => Expr.Make(new SinOp(), x);
}
