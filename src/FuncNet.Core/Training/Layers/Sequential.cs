namespace FuncNet.Layers;

/// <summary>Layers applied one after another, like Keras' <c>Sequential</c>; itself a layer.</summary>
public sealed class Sequential : ILayer
{
    /// <summary>The composition of <paramref name="layers"/>, first applied first.</summary>
    public Sequential(params ILayer[] layers) : this((IReadOnlyList<ILayer>)layers) { }

    /// <summary>
    /// The composition of <paramref name="layers"/>, first applied first. Layers left with their default name
    /// get unique ones in order (dense, dense_1, ...), so the model's variables have distinct names and
    /// a checkpoint of it restores by name.
    /// </summary>
    public Sequential(IReadOnlyList<ILayer> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count == 0 || layers.Any(l => l is null))
        {
            throw new FuncNetException($"Sequential: expected at least one layer and no nulls; given {layers.Count} layers.");
        }
        Layers = layers.ToArray();
        LayerNames.MakeUnique(Layers);
    }

    /// <summary>The layers in order.</summary>
    public IReadOnlyList<ILayer> Layers { get; }

    /// <inheritdoc />
    public IReadOnlyList<Expr> Variables => Layers.SelectMany(l => l.Variables).ToArray();

    /// <inheritdoc />
    public IReadOnlyList<Expr> NonTrainableVariables => Layers.SelectMany(l => l.NonTrainableVariables).ToArray();

    /// <inheritdoc />
    public Expr Apply(Expr input) => Apply(input, true);

    /// <inheritdoc />
    public Expr Apply(Expr input, bool training) => Layers.Aggregate(input, (x, layer) => layer.Apply(x, training));
}
