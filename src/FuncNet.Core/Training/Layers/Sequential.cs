namespace FuncNet.Layers;

/// <summary>Layers applied one after another, like Keras' <c>Sequential</c>; itself a layer.</summary>
public sealed class Sequential : ILayer
{
    /// <summary>The composition of <paramref name="layers"/>, first applied first.</summary>
    public Sequential(params ILayer[] layers) : this((IReadOnlyList<ILayer>)layers) { }

    /// <summary>The composition of <paramref name="layers"/>, first applied first.</summary>
    public Sequential(IReadOnlyList<ILayer> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count == 0 || layers.Any(l => l is null))
        {
            throw new FuncNetException($"Sequential: expected at least one layer and no nulls; given {layers.Count} layers.");
        }
        Layers = layers.ToArray();
    }

    /// <summary>The layers in order.</summary>
    public IReadOnlyList<ILayer> Layers { get; }

    /// <inheritdoc />
    public IReadOnlyList<Expr> Variables => Layers.SelectMany(l => l.Variables).ToArray();

    /// <inheritdoc />
    public Expr Apply(Expr input) => Layers.Aggregate(input, (x, layer) => layer.Apply(x));
}
