using FuncNet.Expressions;

namespace FuncNet;

/// <summary>
/// The identity in value, a constant to differentiation (JAX's <c>stop_gradient</c>): no gradient flows
/// back through it and its tangent is zero. Being elementwise with the identity formula, it fuses away in
/// every backend's generated kernels and batches under <c>Rows()</c> like any other elementwise op.
/// </summary>
internal sealed record StopGradientOp : UnaryOp
{
    public override string Name => "StopGradient";

    protected override bool AcceptsInt => true;

    internal override ScalarExpr Formula(ScalarExpr x) => x;

    internal override Expr Derivative(Expr x, Expr y) => Ops.ZerosLike(x);

    internal override Expr?[] Vjp(Expr node, Expr gradient) => [null];

    internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents) => null;
}

public static partial class Ops
{
    /// <summary>
    /// <paramref name="x"/> itself in value, but a constant to <see cref="Gradients(Expr, Expr[])"/>, <see cref="Jvp"/>
    /// and every higher order: nothing differentiates through it (JAX's <c>stop_gradient</c>). Use it for targets
    /// that must not be trained through (a frozen branch, a straight-through estimator, a baseline).
    /// </summary>
    public static Expr StopGradient(Expr x) => Expr.Make(new StopGradientOp(), x);
}
