using FuncNet.Expressions;

namespace FuncNet;

/// <summary>x².</summary>
internal sealed record SquareOp : UnaryOp
{
    public override string Name => "Square";

    internal override ScalarExpr Formula(ScalarExpr x) => x * x;

    internal override Expr Derivative(Expr x, Expr y) => 2.0 * x;
}

public static partial class Ops
{
    /// <summary>Elementwise square.</summary>
    public static Expr Square(Expr x) => Expr.Make(new SquareOp(), x);
}
