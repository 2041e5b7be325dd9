namespace FuncNet.Layers;

/// <summary>
/// A fully connected layer activation(x·W + b), like Keras' <c>Dense</c>. W ([inputs, units]) and b ([units])
/// are variables created on the first <see cref="Apply"/>, when the input's width and dtype are known.
/// </summary>
public sealed class Dense : ILayer, INamedLayer
{
    private readonly Func<Expr, Expr>? _activation;
    private readonly Initializer _kernelInitializer;
    private readonly Initializer _biasInitializer;
    private readonly bool _hasDefaultName;

    /// <summary>
    /// The seed of the layers built without one: 0, so that a model trains the same way run after run (layers
    /// of the same shape then start from the same weights; pass a seed to draw different ones).
    /// </summary>
    public const int DefaultSeed = 0;

    /// <summary>A linear layer with Glorot-uniform weights drawn with <see cref="DefaultSeed"/>.</summary>
    public Dense(int units) : this(units, null, DefaultSeed) { }

    /// <summary>A layer with an activation (e.g. <c>Ops.Relu</c>; null for none) and Glorot-uniform weights drawn with <see cref="DefaultSeed"/>.</summary>
    public Dense(int units, Func<Expr, Expr>? activation) : this(units, activation, DefaultSeed) { }

    /// <summary>A linear layer with Glorot-uniform weights drawn with <paramref name="seed"/>.</summary>
    public Dense(int units, int seed) : this(units, null, seed) { }

    /// <summary>A layer with an activation (e.g. <c>Ops.Relu</c>; null for none) and Glorot-uniform weights drawn with <paramref name="seed"/>.</summary>
    public Dense(int units, Func<Expr, Expr>? activation, int seed)
        : this(units, activation, Initializers.GlorotUniform(seed), Initializers.Zeros, null) { }

    /// <summary>A layer with every part given; a null or empty <paramref name="name"/> means the default, made unique by <see cref="Sequential"/>.</summary>
    public Dense(int units, Func<Expr, Expr>? activation, Initializer kernelInitializer, Initializer biasInitializer, string? name)
    {
        Units = units > 0 ? units : throw new FuncNetException($"Dense: expected a positive number of units; given {units}.");
        _activation = activation;
        _kernelInitializer = kernelInitializer ?? throw new ArgumentNullException(nameof(kernelInitializer));
        _biasInitializer = biasInitializer ?? throw new ArgumentNullException(nameof(biasInitializer));
        _hasDefaultName = string.IsNullOrEmpty(name);
        Name = _hasDefaultName ? DefaultName : name!;
    }

    /// <summary>The name of a layer built without one: <c>dense</c> (inside a <see cref="Sequential"/>, dense_1, dense_2, ... after the first).</summary>
    public string DefaultName => "dense";

    /// <summary>The number of outputs.</summary>
    public int Units { get; }

    /// <summary>The prefix of the variables' names.</summary>
    public string Name { get; private set; }

    /// <inheritdoc />
    bool INamedLayer.HasDefaultName => _hasDefaultName;

    /// <inheritdoc />
    bool INamedLayer.IsBuilt => Kernel is not null;

    /// <inheritdoc />
    void INamedLayer.Rename(string name) => Name = Kernel is null ? name : throw new FuncNetException($"Dense '{Name}': cannot be renamed to '{name}' after its variables were created.");

    /// <summary>W, [inputs, units]; null before the first <see cref="Apply"/>.</summary>
    public Expr? Kernel { get; private set; }

    /// <summary>b, [units]; null before the first <see cref="Apply"/>.</summary>
    public Expr? Bias { get; private set; }

    /// <inheritdoc />
    public IReadOnlyList<Expr> Variables => Kernel is null || Bias is null ? [] : [Kernel, Bias];

    /// <inheritdoc />
    public Expr Apply(Expr input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank < 1 || input.Shape[-1] == Shape.Unknown)
        {
            throw new ShapeException($"Dense '{Name}': expected an input whose last dimension (its width) is known; given shape {input.Shape}.");
        }
        if (Kernel is null || Bias is null)
        {
            Kernel = _kernelInitializer.Variable($"{Name}/kernel", Shape.Of(input.Shape[-1], Units), input.DType);
            Bias = _biasInitializer.Variable($"{Name}/bias", Shape.Of(Units), input.DType);
        }
        else if (Kernel.Shape[0] != input.Shape[-1])
        {
            throw new ShapeException($"Dense '{Name}': built for inputs of width {Kernel.Shape[0]}; given shape {input.Shape}.");
        }
        var z = Ops.MatMul(input, Kernel) + Bias;
        return _activation is null ? z : _activation(z);
    }
}
