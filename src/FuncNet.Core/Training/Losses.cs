namespace FuncNet;

/// <summary>
/// Losses and metrics as expressions. Labels and predictions have the same shape; rows are examples.
/// The per-example values are combined by <see cref="Reduction"/>.
/// </summary>
public static class Losses
{
    /// <summary>
    /// −Σ labels · log p over classes (the last axis), summed or averaged over examples. With
    /// <see cref="Reduction.Sum"/> this is the curriculum's J = −Σᵢ Σⱼ cᵢⱼ log pᵢⱼ.
    /// </summary>
    public static Expr CategoricalCrossEntropy(Expr labels, Expr probabilities, Reduction reduction) =>
        Reduce(-Ops.ReduceSum(Checked(labels, probabilities, "CategoricalCrossEntropy") * Ops.Log(probabilities), -1), reduction);

    /// <summary>Categorical cross-entropy from logits (softmax inside, computed stably through LogSoftmax).</summary>
    public static Expr CategoricalCrossEntropyFromLogits(Expr labels, Expr logits, Reduction reduction) =>
        Reduce(Ops.SoftmaxCrossEntropyWithLogits(Checked(labels, logits, "CategoricalCrossEntropyFromLogits"), logits), reduction);

    /// <summary>−(z·log p + (1 − z)·log(1 − p)) for every element, summed or averaged over all elements.</summary>
    public static Expr BinaryCrossEntropy(Expr labels, Expr probabilities, Reduction reduction)
    {
        var z = Checked(labels, probabilities, "BinaryCrossEntropy");
        return Reduce(-(z * Ops.Log(probabilities) + (1.0 - z) * Ops.Log(1.0 - probabilities)), reduction);
    }

    /// <summary>Binary cross-entropy from logits, computed as softplus(x) − x·z so it never overflows.</summary>
    public static Expr BinaryCrossEntropyFromLogits(Expr labels, Expr logits, Reduction reduction) =>
        Reduce(Ops.SigmoidCrossEntropyWithLogits(Checked(labels, logits, "BinaryCrossEntropyFromLogits"), logits), reduction);

    /// <summary>(labels − predictions)² for every element, summed or averaged over all elements.</summary>
    public static Expr SquaredError(Expr labels, Expr predictions, Reduction reduction) =>
        Reduce(Ops.Square(Checked(labels, predictions, "SquaredError") - predictions), reduction);

    /// <summary>The mean squared error over all elements: <see cref="MeanSquaredError(Expr, Expr, Reduction)"/> with <see cref="Reduction.Mean"/>.</summary>
    public static Expr MeanSquaredError(Expr labels, Expr predictions) => MeanSquaredError(labels, predictions, Reduction.Mean);

    /// <summary>
    /// The squared error averaged over each example's values (the last axis, as Keras does; an input of rank 0
    /// or 1 has one value per example), then summed or averaged over examples. With <see cref="Reduction.Mean"/>
    /// this is the mean over all elements.
    /// </summary>
    public static Expr MeanSquaredError(Expr labels, Expr predictions, Reduction reduction)
    {
        var squared = Ops.Square(Checked(labels, predictions, "MeanSquaredError") - predictions);
        return Reduce(predictions.Rank >= 2 ? Ops.ReduceMean(squared, -1) : squared, reduction);
    }

    /// <summary>
    /// The fraction of rows whose largest prediction is in the labels' class: labels either one-hot (same
    /// shape as predictions) or Int32 class indices (one per row). A Float64 scalar; not differentiable.
    /// </summary>
    public static Expr Accuracy(Expr labels, Expr predictions)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(predictions);
        var predicted = Ops.ArgMax(predictions, -1);
        var expected = labels.DType == DType.Int32 && labels.Rank == predictions.Rank - 1 ? labels : Ops.ArgMax(labels, -1);
        return Ops.ReduceMean(Ops.Cast(Ops.Equal(expected, predicted), DType.Float64));
    }

    private static Expr Reduce(Expr perElement, Reduction reduction) => reduction switch
    {
        Reduction.Sum => Ops.ReduceSum(perElement),
        Reduction.Mean => Ops.ReduceMean(perElement),
        _ => throw new FuncNetException($"Unknown reduction {reduction}; expected Sum or Mean."),
    };

    private static Expr Checked(Expr labels, Expr predictions, string loss)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(predictions);
        if (!labels.Shape.IsCompatibleWith(predictions.Shape))
        {
            throw new ShapeException($"{loss}: expected labels of the predictions' shape {predictions.Shape}; given {labels.Shape}.");
        }
        return labels;
    }
}
