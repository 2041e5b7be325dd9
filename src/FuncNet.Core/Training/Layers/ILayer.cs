namespace FuncNet.Layers;

/// <summary>A Keras-like layer: a function of an input expression with its own variables.</summary>
public interface ILayer
{
    /// <summary>
    /// The layer applied to <paramref name="input"/> (rows are examples) as in training: the graph to minimize.
    /// Applying it twice shares the variables.
    /// </summary>
    Expr Apply(Expr input);

    /// <summary>
    /// The layer in training mode (<paramref name="training"/> true, the same as <see cref="Apply(Expr)"/>) or in
    /// inference mode, for layers that differ between them (batch normalization uses its running statistics,
    /// dropout keeps every unit). Both graphs share the variables.
    /// </summary>
    Expr Apply(Expr input, bool training) => Apply(input);

    /// <summary>The layer's trainable variables (empty until the first <see cref="Apply(Expr)"/> when they depend on the input's width).</summary>
    IReadOnlyList<Expr> Variables { get; }

    /// <summary>
    /// Variables the layer keeps that are not trained but belong in a checkpoint (batch normalization's running
    /// mean and variance), updated by the training step itself; empty for most layers.
    /// </summary>
    IReadOnlyList<Expr> NonTrainableVariables => [];
}
