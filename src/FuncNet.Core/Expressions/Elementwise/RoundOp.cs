using FuncNet.Expressions;

namespace FuncNet;

/// <summary>
/// x rounded to the nearest integer, halves to the even neighbour (0.5 → 0, 1.5 → 2, −2.5 → −2), as numpy's
/// <c>round</c> and PyTorch's <c>round</c>. Piecewise constant: its gradient is zero (docs/conventions.md).
/// </summary>
internal sealed record RoundOp : UnaryOp
{
    public override string Name => "Round";

    internal override ScalarExpr Formula(ScalarExpr x) => ScalarExpr.Round(x);

    internal override Expr Derivative(Expr x, Expr y) => Ops.ZerosLike(x);

    internal override Expr?[] Vjp(Expr node, Expr gradient) => [null];

    internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents) => null;
}

public static partial class Ops
{
    /// <summary>Elementwise rounding to the nearest integer, halves to even (numpy, PyTorch), in x's dtype; its gradient is zero.</summary>
    public static Expr Round(Expr x) => Expr.Make(new RoundOp(), x);
}
