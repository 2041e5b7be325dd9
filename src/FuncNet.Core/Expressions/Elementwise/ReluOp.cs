using FuncNet.Expressions;

namespace FuncNet;

/// <summary>max(x, 0). Its derivative at exactly 0 is taken to be 0, as in TensorFlow and PyTorch.</summary>
internal sealed record ReluOp : UnaryOp
{
    public override string Name => "Relu";

    internal override ScalarExpr Formula(ScalarExpr x) => ScalarExpr.Max(x, 0.0);

    // Written in terms of the output (y > 0 exactly where x > 0) so the pre-activation need not be kept for the
    // backward pass, and a bias add fuses with the activation.
    internal override Expr Derivative(Expr x, Expr y) => Ops.Greater(y, 0.0);
}

public static partial class Ops
{
    /// <summary>Elementwise max(x, 0); the derivative at 0 is 0, as in TensorFlow and PyTorch.</summary>
    public static Expr Relu(Expr x) => Expr.Make(new ReluOp(), x);
}
