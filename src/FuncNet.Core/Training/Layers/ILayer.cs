namespace FuncNet.Layers;

/// <summary>A Keras-like layer: a function of an input expression with its own variables.</summary>
public interface ILayer
{
    /// <summary>The layer applied to <paramref name="input"/> (rows are examples). Applying it twice shares the variables.</summary>
    Expr Apply(Expr input);

    /// <summary>The layer's trainable variables (empty until the first <see cref="Apply"/> when they depend on the input's width).</summary>
    IReadOnlyList<Expr> Variables { get; }
}
