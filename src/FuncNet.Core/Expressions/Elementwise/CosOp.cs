using FuncNet.Expressions;

namespace FuncNet;

/// <summary>The cosine (radians).</summary>
internal sealed record CosOp : UnaryOp
{
    public override string Name => "Cos";

    internal override ScalarExpr Formula(ScalarExpr x) => ScalarExpr.Cos(x);

    internal override Expr Derivative(Expr x, Expr y) => -Ops.Sin(x);
}

public static partial class Ops
{
    /// <summary>Elementwise cosine of an angle in radians.</summary>
    public static Expr Cos(Expr x) => Expr.Make(new CosOp(), x);
}
