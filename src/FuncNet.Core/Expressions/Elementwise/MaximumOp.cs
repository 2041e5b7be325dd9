using FuncNet.Expressions;

namespace FuncNet;

/// <summary>max(a, b) with broadcasting; on ties the gradient goes to a.</summary>
internal sealed record MaximumOp : BinaryOp
{
    public override string Name => "Maximum";

    internal override ScalarExpr Formula(ScalarExpr a, ScalarExpr b) => ScalarExpr.Max(a, b);

    internal override (Expr? A, Expr? B) Backward(Expr a, Expr b, Expr y, Expr g) => (g * Ops.GreaterEqual(a, b), g * Ops.Less(a, b));

    internal override Expr? Forward(Expr a, Expr b, Expr y, Expr? ta, Expr? tb) => Tangents.Add(ta is null ? null : ta * Ops.GreaterEqual(a, b), tb is null ? null : tb * Ops.Less(a, b));
}

public static partial class Ops
{
    /// <summary>Elementwise maximum with numpy broadcasting; on ties the gradient goes to a.</summary>
    public static Expr Maximum(Expr a, Expr b) => Binary(new MaximumOp(), a, b);
}
