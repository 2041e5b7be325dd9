namespace FuncNet.Layers;

/// <summary>
/// Layer normalization over the last axis (<see cref="Ops.LayerNorm(Expr, Expr, Expr, double)"/>), like PyTorch's
/// <c>nn.LayerNorm(width)</c>: a scale γ (ones) and shift β (zeros) of shape [width], created on the first
/// <see cref="Apply"/>. The same in training and inference.
/// </summary>
public sealed class LayerNorm : ILayer, INamedLayer
{
    private readonly bool _hasDefaultName;

    /// <summary>A layer with ε = <see cref="Ops.DefaultNormEpsilon"/> and the default name.</summary>
    public LayerNorm() : this(Ops.DefaultNormEpsilon, null) { }

    /// <summary>A layer with the given ε and name (null or empty for the default, made unique by <see cref="Sequential"/>).</summary>
    public LayerNorm(double epsilon, string? name)
    {
        Epsilon = epsilon > 0 && double.IsFinite(epsilon) ? epsilon : throw new FuncNetException($"LayerNorm: expected a positive finite epsilon; given {epsilon}.");
        _hasDefaultName = string.IsNullOrEmpty(name);
        Name = _hasDefaultName ? DefaultName : name!;
    }

    /// <summary>The ε added to the variance.</summary>
    public double Epsilon { get; }

    /// <summary>The prefix of the variables' names.</summary>
    public string Name { get; private set; }

    /// <summary>The name of a layer built without one: <c>layer_norm</c>.</summary>
    public string DefaultName => "layer_norm";

    /// <summary>γ, [width]; null before the first <see cref="Apply"/>.</summary>
    public Expr? Gamma { get; private set; }

    /// <summary>β, [width]; null before the first <see cref="Apply"/>.</summary>
    public Expr? Beta { get; private set; }

    /// <inheritdoc />
    public IReadOnlyList<Expr> Variables => Gamma is null || Beta is null ? [] : [Gamma, Beta];

    bool INamedLayer.HasDefaultName => _hasDefaultName;

    bool INamedLayer.IsBuilt => Gamma is not null;

    void INamedLayer.Rename(string name) => Name = Gamma is null ? name : throw new FuncNetException($"LayerNorm '{Name}': cannot be renamed to '{name}' after its variables were created.");

    /// <inheritdoc />
    public Expr Apply(Expr input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank < 1 || input.Shape[-1] == Shape.Unknown)
        {
            throw new ShapeException($"LayerNorm '{Name}': expected an input whose last axis has a known length; given shape {input.Shape}.");
        }
        if (Gamma is null || Beta is null)
        {
            Gamma = Initializers.Ones.Variable($"{Name}/gamma", Shape.Of(input.Shape[-1]), input.DType);
            Beta = Initializers.Zeros.Variable($"{Name}/beta", Shape.Of(input.Shape[-1]), input.DType);
        }
        return Ops.LayerNorm(input, Gamma, Beta, Epsilon);
    }
}
