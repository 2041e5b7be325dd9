using FuncNet.Expressions;
using FuncNet.Tensors;

namespace FuncNet;

/// <summary>
/// The identity, with one check in its shape rule: batch statistics need more than one example, so a
/// known batch length of 1 is a <see cref="ShapeException"/> when the graph is built or when a plan is
/// specialized to the fed shapes (a placeholder's unknown batch length is only known then). Being
/// elementwise with the identity formula, it fuses away in generated kernels and costs nothing at run time.
/// </summary>
internal sealed record BatchStatisticsCheckOp : UnaryOp
{
    public override string Name => "BatchNorm";

    internal override (Shape, DType) Infer(IReadOnlyList<Shape> shapes, IReadOnlyList<DType> dtypes)
    {
        var inferred = base.Infer(shapes, dtypes);
        // Rank 0 is the scalar symbol a fused kernel rebuilds the op on (the check was made on the batch it came
        // from); BatchNorm itself requires rank ≥ 2 before it makes the op.
        if (shapes[0].Rank >= 1 && shapes[0][0] == 1)
        {
            throw new ShapeException(
                $"BatchNorm (training mode): expected a batch of more than one example, of shape (batch > 1, channels, ...), to take batch statistics from; " +
                $"given shape {shapes[0]}. Normalize a single example with the running statistics (inference mode), or use a larger batch.");
        }
        return inferred;
    }

    internal override ScalarExpr Formula(ScalarExpr x) => x;

    internal override Expr Derivative(Expr x, Expr y) => Ops.OnesLike(x);

    internal override Expr?[] Vjp(Expr node, Expr gradient) => [gradient];

    internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents) => tangents[0];

    // Under Rows the check was made on the row's graph when it was traced; the batched value is the input.
    internal override Expr Batch(Expr node, IReadOnlyList<Expr> inputs, IReadOnlyList<bool> batched) => inputs[0];
}

public static partial class Ops
{
    /// <summary>
    /// Batch normalization in training mode (PyTorch's <c>nn.BatchNorm1d/2d</c> in <c>train()</c>), without
    /// running statistics: for an input of shape (batch, channels, ...) each channel is centred on its mean
    /// over the batch and every axis after the channels, divided by √(biased variance + <paramref name="epsilon"/>),
    /// then scaled by <paramref name="gamma"/> and shifted by <paramref name="beta"/> (both [channels]).
    /// A batch of one is a <see cref="ShapeException"/> (it has no batch statistics). A composite, so its
    /// gradients of every order come from its parts.
    /// </summary>
    public static Expr BatchNorm(Expr x, Expr gamma, Expr beta, double epsilon) =>
        BatchNormCore(x, gamma, beta, epsilon, "BatchNorm").Output;

    /// <summary><see cref="BatchNorm(Expr, Expr, Expr, double)"/> with ε = <see cref="DefaultNormEpsilon"/>.</summary>
    public static Expr BatchNorm(Expr x, Expr gamma, Expr beta) => BatchNorm(x, gamma, beta, DefaultNormEpsilon);

    /// <summary>
    /// Batch normalization in inference mode (PyTorch's <c>eval()</c>): each channel of an input of shape
    /// (batch, channels, ...) is normalized with the given <paramref name="mean"/> and <paramref name="variance"/>
    /// (the running statistics, [channels]) instead of the batch's, then scaled and shifted; any batch size works.
    /// </summary>
    public static Expr BatchNormInference(Expr x, Expr gamma, Expr beta, Expr mean, Expr variance, double epsilon)
    {
        RequireChannels(x, gamma, beta, "BatchNormInference");
        RequireRunning(mean, variance, gamma, x);
        RequirePositive(epsilon, "BatchNormInference");
        var c = ChannelShape(x);
        return (x - Reshape(mean, c)) / Sqrt(Reshape(variance, c) + epsilon) * Reshape(gamma, c) + Reshape(beta, c);
    }

    /// <summary>The output and the batch's statistics (biased variance) with the number of values per channel.</summary>
    private static (Expr Output, Expr Mean, Expr Variance, Expr Count) BatchNormCore(Expr x, Expr gamma, Expr beta, double epsilon, string op)
    {
        RequireChannels(x, gamma, beta, op);
        RequirePositive(epsilon, op);
        var checkedX = Expr.Make(new BatchStatisticsCheckOp(), x);
        int[] axes = [0, .. Enumerable.Range(2, x.Rank - 2)];
        var c = ChannelShape(x);
        var mean = ReduceMean(checkedX, axes, false);
        var centred = checkedX - Reshape(mean, c);
        var variance = ReduceMean(Square(centred), axes, false);
        var output = centred / Sqrt(Reshape(variance, c) + epsilon) * Reshape(gamma, c) + Reshape(beta, c);
        var count = Expr.Make(new SizeOfOp(new IntList(axes)), x);
        return (output, mean, variance, count);
    }

    /// <summary>[channels, 1, ...]: a per-channel vector aligned with axis 1 of an input of <paramref name="x"/>'s rank.</summary>
    private static Shape ChannelShape(Expr x) => Shape.Of([x.Shape[1], .. Enumerable.Repeat(1, x.Rank - 2)]);

    private static void RequireChannels(Expr x, Expr gamma, Expr beta, string op)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(gamma);
        ArgumentNullException.ThrowIfNull(beta);
        if (x.Rank < 2 || x.Shape[1] == Shape.Unknown)
        {
            throw new ShapeException($"{op}: expected an input of shape (batch, channels, ...) with a known number of channels; given shape {x.Shape}.");
        }
        var channels = Shape.Of(x.Shape[1]);
        if (gamma.Shape != channels || beta.Shape != channels)
        {
            throw new ShapeException($"{op}: expected gamma and beta of shape {channels} (the input's channels, axis 1); given shapes {gamma.Shape} and {beta.Shape} for input {x.Shape}.");
        }
    }

    private static void RequireRunning(Expr mean, Expr variance, Expr gamma, Expr x)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(variance);
        if (mean.Shape != gamma.Shape || variance.Shape != gamma.Shape)
        {
            throw new ShapeException($"BatchNorm: expected a mean and variance of shape {gamma.Shape} (the input's channels); given shapes {mean.Shape} and {variance.Shape} for input {x.Shape}.");
        }
    }
}
