using FuncNet.Training;

namespace FuncNet;

// The running-statistics form of BatchNorm lives in the training layer: its updates are assignments that the
// optimizer's step picks up (StateUpdates), which the expression layer below cannot know about.
public static partial class Ops
{
    /// <summary>
    /// Batch normalization in training mode that also keeps running statistics, as PyTorch's: the output is
    /// <see cref="BatchNorm(Expr, Expr, Expr, double)"/>'s, and every training step built from a loss that
    /// uses it (<see cref="Optimizer.Minimize(Expr)"/>) also assigns
    /// <c>runningMean ← (1 − momentum)·runningMean + momentum·batchMean</c> and the same for
    /// <paramref name="runningVariance"/> with the unbiased batch variance (divided by n − 1, n the values per
    /// channel). The running variables are not trained. <paramref name="momentum"/> is PyTorch's (the weight
    /// of the new batch, 0.1 there); Keras' momentum is 1 minus it.
    /// </summary>
    public static Expr BatchNorm(Expr x, Expr gamma, Expr beta, Expr runningMean, Expr runningVariance, double momentum, double epsilon)
    {
        ArgumentNullException.ThrowIfNull(runningMean);
        ArgumentNullException.ThrowIfNull(runningVariance);
        var (output, mean, variance, count) = BatchNormCore(x, gamma, beta, epsilon, "BatchNorm");
        RequireRunning(runningMean, runningVariance, gamma, x);
        if (!(momentum >= 0 && momentum <= 1))
        {
            throw new FuncNetException($"BatchNorm: expected a momentum in [0, 1] (the weight of the new batch's statistics); given {momentum}.");
        }
        // Statistics are not trained through: the running values follow the batches, whatever the loss.
        var unbiased = StopGradient(variance * count / (count - 1.0));
        StateUpdates.Register(output,
            new Assignment(runningMean, (1.0 - momentum) * runningMean + momentum * StopGradient(mean)),
            new Assignment(runningVariance, (1.0 - momentum) * runningVariance + momentum * unbiased));
        return output;
    }
}
