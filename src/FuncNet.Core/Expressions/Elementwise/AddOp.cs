using FuncNet.Expressions;

namespace FuncNet;

/// <summary>a + b with broadcasting.</summary>
internal sealed record AddOp : BinaryOp
{
    public override string Name => "Add";

    internal override ScalarExpr Formula(ScalarExpr a, ScalarExpr b) => a + b;

    internal override (Expr? A, Expr? B) Backward(Expr a, Expr b, Expr y, Expr g) => (g, g);

    internal override Expr? Forward(Expr a, Expr b, Expr y, Expr? ta, Expr? tb) => Tangents.Add(ta, tb);

    internal override string Format(IReadOnlyList<string> inputs) => $"({inputs[0]} + {inputs[1]})";
}

public static partial class Ops
{
    /// <summary>Elementwise a + b with numpy broadcasting (also the <c>+</c> operator).</summary>
    public static Expr Add(Expr a, Expr b) => Binary(new AddOp(), a, b);
}
