using FuncNet.Expressions;

namespace FuncNet;

/// <summary>Which form of GELU: PyTorch's <c>approximate='none'</c> or <c>'tanh'</c>.</summary>
public enum GeluApproximation
{
    /// <summary>Exact: x·Φ(x) = x·(1 + erf(x/√2))/2.</summary>
    None,
    /// <summary>The tanh approximation x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))/2 (Hendrycks and Gimpel; BERT, GPT-2).</summary>
    Tanh,
}

/// <summary>The Gaussian error linear unit x·Φ(x), exact or in its tanh approximation.</summary>
internal sealed record GeluOp(GeluApproximation Approximation) : UnaryOp
{
    private const double InvSqrt2 = 0.7071067811865476;
    private const double InvSqrt2Pi = 0.3989422804014327;
    private const double SqrtTwoOverPi = 0.7978845608028654;
    private const double Cubic = 0.044715;

    public override string Name => "Gelu";

    internal override ScalarExpr Formula(ScalarExpr x) => Approximation == GeluApproximation.None
        ? 0.5 * x * (1.0 + ScalarExpr.Erf(x * InvSqrt2))
        : 0.5 * x * (1.0 + ScalarExpr.Tanh(SqrtTwoOverPi * (x + Cubic * (x * x * x))));

    internal override Expr Derivative(Expr x, Expr y)
    {
        if (Approximation == GeluApproximation.None)
        {
            // Φ(x) + x·φ(x)
            return 0.5 * (1.0 + Ops.Erf(x * InvSqrt2)) + x * (InvSqrt2Pi * Ops.Exp(-0.5 * Ops.Square(x)));
        }
        var t = Ops.Tanh(SqrtTwoOverPi * (x + Cubic * (x * x * x)));
        return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * (SqrtTwoOverPi * (1.0 + 3 * Cubic * Ops.Square(x)));
    }

    internal override string Format(IReadOnlyList<string> inputs) =>
        Approximation == GeluApproximation.None ? $"Gelu({inputs[0]})" : $"Gelu({inputs[0]}, Tanh)";
}

public static partial class Ops
{
    /// <summary>Elementwise exact GELU x·Φ(x), Φ the standard normal distribution function (PyTorch's default).</summary>
    public static Expr Gelu(Expr x) => Gelu(x, GeluApproximation.None);

    /// <summary>Elementwise GELU, exact or in the tanh approximation (PyTorch's <c>approximate='tanh'</c>).</summary>
    public static Expr Gelu(Expr x, GeluApproximation approximation) => Expr.Make(new GeluOp(approximation), x);
}
