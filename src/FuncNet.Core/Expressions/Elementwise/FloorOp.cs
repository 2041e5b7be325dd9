using FuncNet.Expressions;

namespace FuncNet;

/// <summary>The largest integer ≤ x. Piecewise constant: its gradient is zero (docs/conventions.md).</summary>
internal sealed record FloorOp : UnaryOp
{
    public override string Name => "Floor";

    internal override ScalarExpr Formula(ScalarExpr x) => ScalarExpr.Floor(x);

    internal override Expr Derivative(Expr x, Expr y) => Ops.ZerosLike(x);

    internal override Expr?[] Vjp(Expr node, Expr gradient) => [null];

    internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents) => null;
}

public static partial class Ops
{
    /// <summary>Elementwise floor ⌊x⌋, in x's dtype; its gradient is zero.</summary>
    public static Expr Floor(Expr x) => Expr.Make(new FloorOp(), x);
}
