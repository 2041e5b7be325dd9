using FuncNet.Expressions;

namespace FuncNet;

/// <summary>a · b with broadcasting.</summary>
internal sealed record MultiplyOp : BinaryOp
{
    public override string Name => "Multiply";

    internal override ScalarExpr Formula(ScalarExpr a, ScalarExpr b) => a * b;

    internal override (Expr? A, Expr? B) Backward(Expr a, Expr b, Expr y, Expr g) => (g * b, g * a);

    internal override Expr? Forward(Expr a, Expr b, Expr y, Expr? ta, Expr? tb) => Tangents.Add(ta is null ? null : ta * b, tb is null ? null : a * tb);

    internal override string Format(IReadOnlyList<string> inputs) => $"({inputs[0]} * {inputs[1]})";
}

public static partial class Ops
{
    /// <summary>Elementwise a · b with numpy broadcasting (also the <c>*</c> operator).</summary>
    public static Expr Multiply(Expr a, Expr b) => Binary(new MultiplyOp(), a, b);
}
