namespace FuncNet;

public static partial class Ops
{
    /// <summary>The ε that <see cref="LayerNorm(Expr, Expr, Expr)"/> and the batch norms use when none is given: 1e-5, as PyTorch's.</summary>
    public const double DefaultNormEpsilon = 1e-5;

    /// <summary>
    /// Layer normalization over the last axis (PyTorch's <c>nn.LayerNorm(width)</c>): each row is centred on
    /// its mean and divided by √(variance + <paramref name="epsilon"/>), with the biased variance (divided by
    /// the width), then scaled by <paramref name="gamma"/> and shifted by <paramref name="beta"/>, both of
    /// shape [width]. A composite of reductions and elementwise ops, so its gradients of every order come
    /// from theirs and the elementwise parts fuse.
    /// </summary>
    public static Expr LayerNorm(Expr x, Expr gamma, Expr beta, double epsilon)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(gamma);
        ArgumentNullException.ThrowIfNull(beta);
        if (x.Rank < 1 || x.Shape[-1] == Shape.Unknown)
        {
            throw new ShapeException($"LayerNorm: expected an input whose last axis (the one normalized) has a known length; given shape {x.Shape}.");
        }
        var width = Shape.Of(x.Shape[-1]);
        if (gamma.Shape != width || beta.Shape != width)
        {
            throw new ShapeException($"LayerNorm: expected gamma and beta of shape {width} (the input's last axis); given shapes {gamma.Shape} and {beta.Shape} for input {x.Shape}.");
        }
        RequirePositive(epsilon, "LayerNorm");
        var centred = x - ReduceMean(x, [-1], true);
        var variance = ReduceMean(Square(centred), [-1], true);
        return centred / Sqrt(variance + epsilon) * gamma + beta;
    }

    /// <summary><see cref="LayerNorm(Expr, Expr, Expr, double)"/> with ε = <see cref="DefaultNormEpsilon"/>.</summary>
    public static Expr LayerNorm(Expr x, Expr gamma, Expr beta) => LayerNorm(x, gamma, beta, DefaultNormEpsilon);

    /// <summary>ε must be a positive finite number: a zero ε divides by zero on a constant row.</summary>
    private static void RequirePositive(double epsilon, string op)
    {
        if (!(epsilon > 0) || !double.IsFinite(epsilon))
        {
            throw new FuncNetException($"{op}: expected a positive finite epsilon; given {epsilon}.");
        }
    }
}
