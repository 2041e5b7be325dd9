using FuncNet.Expressions;

namespace FuncNet;

/// <summary>The sigmoid linear unit x·σ(x), also called swish.</summary>
internal sealed record SiluOp : UnaryOp
{
    public override string Name => "Silu";

    internal override ScalarExpr Formula(ScalarExpr x) => x / (1.0 + ScalarExpr.Exp(-x));

    internal override Expr Derivative(Expr x, Expr y)
    {
        var s = Ops.Sigmoid(x);
        return s * (1.0 + x * (1.0 - s));
    }
}

public static partial class Ops
{
    /// <summary>Elementwise SiLU x·σ(x) (PyTorch's <c>silu</c>).</summary>
    public static Expr Silu(Expr x) => Expr.Make(new SiluOp(), x);

    /// <summary>Elementwise swish x·σ(x): the same function as <see cref="Silu"/> under its other name (β = 1).</summary>
    public static Expr Swish(Expr x) => Silu(x);
}
