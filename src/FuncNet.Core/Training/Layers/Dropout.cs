namespace FuncNet.Layers;

/// <summary>
/// Inverted dropout as a layer, like Keras' <c>Dropout</c>: while <see cref="Training"/> is true, each
/// <see cref="Apply(Expr)"/> drops units with probability <see cref="Rate"/> using a fresh subkey of
/// <see cref="Keys"/> (so a step from an optimizer draws a new mask every run); with it false, the layer is the
/// identity. Build the training graph and the inference graph with the flag set accordingly. No variables.
/// </summary>
public sealed class Dropout : ILayer
{
    /// <summary>A dropout layer drawing its masks from <paramref name="keys"/>; a rate outside [0, 1) is a <see cref="FuncNetException"/>.</summary>
    public Dropout(double rate, RandomKeyStream keys)
    {
        Keys = keys ?? throw new ArgumentNullException(nameof(keys));
        Rate = rate >= 0 && rate < 1 ? rate : throw new FuncNetException($"Dropout: expected a rate in [0, 1) (the probability of dropping a unit); given {rate}.");
    }

    /// <summary>The probability of dropping a unit.</summary>
    public double Rate { get; }

    /// <summary>Where the masks' keys come from.</summary>
    public RandomKeyStream Keys { get; }

    /// <summary>True (the default) to drop units in the graphs built next; false for the identity (inference).</summary>
    public bool Training { get; set; } = true;

    /// <inheritdoc />
    public IReadOnlyList<Expr> Variables => [];

    /// <inheritdoc />
    public Expr Apply(Expr input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Training ? Ops.Dropout(input, Rate, Keys.Next(), training: true) : input;
    }

    /// <inheritdoc />
    public Expr Apply(Expr input, bool training) => training ? Apply(input) : input ?? throw new ArgumentNullException(nameof(input));
}
