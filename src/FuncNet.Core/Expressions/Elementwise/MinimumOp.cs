using FuncNet.Expressions;

namespace FuncNet;

/// <summary>min(a, b) with broadcasting; on ties the gradient goes to a.</summary>
internal sealed record MinimumOp : BinaryOp
{
    public override string Name => "Minimum";

    internal override ScalarExpr Formula(ScalarExpr a, ScalarExpr b) => ScalarExpr.Min(a, b);

    internal override (Expr? A, Expr? B) Backward(Expr a, Expr b, Expr y, Expr g) => (g * Ops.LessEqual(a, b), g * Ops.Greater(a, b));

    internal override Expr? Forward(Expr a, Expr b, Expr y, Expr? ta, Expr? tb) => Tangents.Add(ta is null ? null : ta * Ops.LessEqual(a, b), tb is null ? null : tb * Ops.Greater(a, b));
}

public static partial class Ops
{
    /// <summary>Elementwise minimum with numpy broadcasting; on ties the gradient goes to a.</summary>
    public static Expr Minimum(Expr a, Expr b) => Binary(new MinimumOp(), a, b);
}
