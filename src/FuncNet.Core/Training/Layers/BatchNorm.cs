namespace FuncNet.Layers;

/// <summary>
/// Batch normalization over axis 1 (features of (batch, features), channels of NCHW images), like PyTorch's
/// <c>nn.BatchNorm1d/2d</c>: a scale γ (ones) and shift β (zeros), trained, and a running mean (zeros) and
/// variance (ones), not trained, all of shape [channels] and created on the first Apply. In training mode it
/// normalizes with the batch's statistics and the training step updates the running ones
/// (<see cref="Ops.BatchNorm(Expr, Expr, Expr, Expr, Expr, double, double)"/>); in inference mode it uses the running ones.
/// </summary>
public sealed class BatchNorm : ILayer, INamedLayer
{
    private readonly bool _hasDefaultName;

    /// <summary>PyTorch's defaults: momentum 0.1 (the weight of each new batch), ε = 1e-5; the default name.</summary>
    public BatchNorm() : this(0.1, Ops.DefaultNormEpsilon, null) { }

    /// <summary>A layer with the given momentum (PyTorch's meaning, in [0, 1]), ε and name (null or empty for the default).</summary>
    public BatchNorm(double momentum, double epsilon, string? name)
    {
        Momentum = momentum >= 0 && momentum <= 1 ? momentum : throw new FuncNetException($"BatchNorm: expected a momentum in [0, 1] (the weight of the new batch's statistics); given {momentum}.");
        Epsilon = epsilon > 0 && double.IsFinite(epsilon) ? epsilon : throw new FuncNetException($"BatchNorm: expected a positive finite epsilon; given {epsilon}.");
        _hasDefaultName = string.IsNullOrEmpty(name);
        Name = _hasDefaultName ? DefaultName : name!;
    }

    /// <summary>The weight of each batch's statistics in the running ones.</summary>
    public double Momentum { get; }

    /// <summary>The ε added to the variance.</summary>
    public double Epsilon { get; }

    /// <summary>The prefix of the variables' names.</summary>
    public string Name { get; private set; }

    /// <summary>The name of a layer built without one: <c>batch_norm</c>.</summary>
    public string DefaultName => "batch_norm";

    /// <summary>γ, [channels]; null before the first Apply.</summary>
    public Expr? Gamma { get; private set; }

    /// <summary>β, [channels]; null before the first Apply.</summary>
    public Expr? Beta { get; private set; }

    /// <summary>The running mean, [channels]; null before the first Apply.</summary>
    public Expr? RunningMean { get; private set; }

    /// <summary>The running (unbiased) variance, [channels]; null before the first Apply.</summary>
    public Expr? RunningVariance { get; private set; }

    /// <inheritdoc />
    public IReadOnlyList<Expr> Variables => Gamma is null || Beta is null ? [] : [Gamma, Beta];

    /// <inheritdoc />
    public IReadOnlyList<Expr> NonTrainableVariables => RunningMean is null || RunningVariance is null ? [] : [RunningMean, RunningVariance];

    bool INamedLayer.HasDefaultName => _hasDefaultName;

    bool INamedLayer.IsBuilt => Gamma is not null;

    void INamedLayer.Rename(string name) => Name = Gamma is null ? name : throw new FuncNetException($"BatchNorm '{Name}': cannot be renamed to '{name}' after its variables were created.");

    /// <inheritdoc />
    public Expr Apply(Expr input) => Apply(input, true);

    /// <inheritdoc />
    public Expr Apply(Expr input, bool training)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank < 2 || input.Shape[1] == Shape.Unknown)
        {
            throw new ShapeException($"BatchNorm '{Name}': expected an input of shape (batch, channels, ...) with a known number of channels; given shape {input.Shape}.");
        }
        if (Gamma is null || Beta is null || RunningMean is null || RunningVariance is null)
        {
            var channels = Shape.Of(input.Shape[1]);
            Gamma = Initializers.Ones.Variable($"{Name}/gamma", channels, input.DType);
            Beta = Initializers.Zeros.Variable($"{Name}/beta", channels, input.DType);
            RunningMean = Initializers.Zeros.Variable($"{Name}/running_mean", channels, input.DType);
            RunningVariance = Initializers.Ones.Variable($"{Name}/running_variance", channels, input.DType);
        }
        return training
            ? Ops.BatchNorm(input, Gamma, Beta, RunningMean, RunningVariance, Momentum, Epsilon)
            : Ops.BatchNormInference(input, Gamma, Beta, RunningMean, RunningVariance, Epsilon);
    }
}
