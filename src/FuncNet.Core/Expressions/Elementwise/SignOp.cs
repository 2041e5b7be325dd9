using FuncNet.Expressions;

namespace FuncNet;

/// <summary>The sign −1, 0 or 1; its derivative is zero everywhere it exists.</summary>
internal sealed record SignOp : UnaryOp
{
    public override string Name => "Sign";

    protected override bool AcceptsInt => true;

    internal override ScalarExpr Formula(ScalarExpr x) => ScalarExpr.Call(ScalarFn.Sign, x);

    internal override Expr Derivative(Expr x, Expr y) => Ops.ZerosLike(x);

    internal override Expr?[] Vjp(Expr node, Expr gradient) => [null];

    internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents) => null;
}

public static partial class Ops
{
    /// <summary>Elementwise sign: −1, 0 or 1 (its gradient is zero).</summary>
    public static Expr Sign(Expr x) => Expr.Make(new SignOp(), x);
}
