using FuncNet.Expressions;

namespace FuncNet;

/// <summary>x for x &gt; 0, αx otherwise; the derivative at 0 is α.</summary>
internal sealed record LeakyReluOp(double Alpha) : UnaryOp
{
    public override string Name => "LeakyRelu";

    internal override ScalarExpr Formula(ScalarExpr x) => ScalarExpr.Select(ScalarExpr.Greater(x, 0.0), x, Alpha * x);

    internal override Expr Derivative(Expr x, Expr y) => Ops.Where(Ops.Greater(x, 0.0), Expr.Constant(1.0, x.DType), Alpha);

    internal override string Format(IReadOnlyList<string> inputs) => $"LeakyRelu({inputs[0]}, {Alpha})";
}

public static partial class Ops
{
    /// <summary>Elementwise leaky ReLU: x for x &gt; 0, <paramref name="alpha"/>·x otherwise.</summary>
    public static Expr LeakyRelu(Expr x, double alpha) => Expr.Make(new LeakyReluOp(alpha), x);

    /// <summary>
    /// Elementwise leaky ReLU with α = 0.2, TensorFlow's default. PyTorch's default slope is 0.01: pass it
    /// explicitly to match (docs/conventions.md).
    /// </summary>
    public static Expr LeakyRelu(Expr x) => LeakyRelu(x, 0.2);
}
