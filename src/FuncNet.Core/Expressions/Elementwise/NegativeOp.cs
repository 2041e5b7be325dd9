using FuncNet.Expressions;

namespace FuncNet;

/// <summary>−x.</summary>
internal sealed record NegativeOp : UnaryOp
{
    public override string Name => "Negative";

    protected override bool AcceptsInt => true;

    internal override ScalarExpr Formula(ScalarExpr x) => -x;

    internal override Expr Derivative(Expr x, Expr y) => -1.0;

    internal override Expr?[] Vjp(Expr node, Expr gradient) => [-gradient];

    internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents) => tangents[0] is { } t ? -t : null;

    internal override string Format(IReadOnlyList<string> inputs) => $"-{inputs[0]}";
}

public static partial class Ops
{
    /// <summary>Elementwise negation (also the unary <c>-</c> operator).</summary>
    public static Expr Negative(Expr x) => Expr.Make(new NegativeOp(), x);
}
