namespace FuncNet.Layers;

/// <summary>
/// Flattens every axis after the first into one, like Keras' and PyTorch's <c>Flatten</c>: (batch, c, h, w)
/// becomes (batch, c·h·w), in row-major order (NCHW images flatten channel by channel). No variables.
/// </summary>
public sealed class Flatten : ILayer
{
    /// <inheritdoc />
    public IReadOnlyList<Expr> Variables => [];

    /// <inheritdoc />
    public Expr Apply(Expr input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank < 1 || input.Shape.Skip(1).Any(d => d == Shape.Unknown))
        {
            throw new ShapeException($"Flatten: expected an input of shape (batch, ...) whose axes after the first are known; given shape {input.Shape}.");
        }
        var width = input.Shape.Skip(1).Aggregate(1, (p, d) => checked(p * d));
        return Ops.Reshape(input, -1, width);
    }
}
