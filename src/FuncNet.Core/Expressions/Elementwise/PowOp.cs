using FuncNet.Expressions;

namespace FuncNet;

/// <summary>aᵇ with broadcasting. The gradient for b uses ln a and is taken as 0 where a ≤ 0.</summary>
internal sealed record PowOp : BinaryOp
{
    public override string Name => "Pow";

    protected override bool AcceptsInt => false;

    internal override ScalarExpr Formula(ScalarExpr a, ScalarExpr b) => ScalarExpr.Call(ScalarFn.Pow, a, b);

    internal override (Expr? A, Expr? B) Backward(Expr a, Expr b, Expr y, Expr g) => (g * b * Ops.Pow(a, b - 1.0), g * PowLogTerm(a, y));

    internal override Expr? Forward(Expr a, Expr b, Expr y, Expr? ta, Expr? tb) => Tangents.Add(ta is null ? null : ta * b * Ops.Pow(a, b - 1.0), tb is null ? null : tb * PowLogTerm(a, y));

    private static Expr PowLogTerm(Expr a, Expr y) => Ops.Where(Ops.Greater(a, 0.0), y * Ops.Log(Ops.Where(Ops.Greater(a, 0.0), a, 1.0)), 0.0);
}

public static partial class Ops
{
    /// <summary>Elementwise aᵇ with numpy broadcasting; the gradient with respect to b is taken as 0 where a ≤ 0.</summary>
    public static Expr Pow(Expr a, Expr b) => Binary(new PowOp(), a, b);
}
