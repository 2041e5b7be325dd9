namespace FuncNet.Layers;

/// <summary>
/// A lookup table from Int32 token ids to learned vectors, like Keras' <c>Embedding</c>: ids of any shape give
/// ids.Shape ++ (width). The table ([vocabulary, width]) is a variable created on first use (so a
/// <see cref="Sequential"/> can still make a default name unique: embedding, embedding_1, ...); only the rows
/// looked up in a step get a gradient. An id outside [0, vocabulary) is an <see cref="IndexException"/> when the
/// plan runs.
/// </summary>
public sealed class Embedding : ILayer, INamedLayer
{
    private readonly Initializer _initializer;
    private readonly DType _dtype;
    private readonly bool _hasDefaultName;
    private Expr? _table;

    /// <summary>
    /// The seed of the tables built without one: 0, so that a model trains the same way run after run (pass a
    /// seed to draw different tables).
    /// </summary>
    public const int DefaultSeed = 0;

    /// <summary>A Float64 table with uniform weights in [−0.05, 0.05) (Keras' default) drawn with <see cref="DefaultSeed"/>.</summary>
    public Embedding(int vocabulary, int width) : this(vocabulary, width, DType.Float64, DefaultSeed) { }

    /// <summary>A table of <paramref name="dtype"/> with uniform weights in [−0.05, 0.05) drawn with <paramref name="seed"/>.</summary>
    public Embedding(int vocabulary, int width, DType dtype, int seed)
        : this(vocabulary, width, dtype, Initializers.Uniform(-0.05, 0.05, seed), null) { }

    /// <summary>A layer with every part given; a null or empty <paramref name="name"/> means the default, made unique by <see cref="Sequential"/>.</summary>
    public Embedding(int vocabulary, int width, DType dtype, Initializer initializer, string? name)
    {
        ArgumentNullException.ThrowIfNull(initializer);
        if (vocabulary <= 0 || width <= 0)
        {
            throw new FuncNetException($"Embedding: expected a positive vocabulary size and width; given {vocabulary} and {width}.");
        }
        if (!dtype.IsFloat())
        {
            throw new DTypeException($"Embedding: expected a Float32 or Float64 table; given {dtype}.");
        }
        Vocabulary = vocabulary;
        Width = width;
        _initializer = initializer;
        _dtype = dtype;
        _hasDefaultName = string.IsNullOrEmpty(name);
        Name = _hasDefaultName ? DefaultName : name!;
    }

    /// <summary>The name of a layer built without one: <c>embedding</c> (inside a <see cref="Sequential"/>, embedding_1, ... after the first).</summary>
    public string DefaultName => "embedding";

    /// <summary>The prefix of the variable's name.</summary>
    public string Name { get; private set; }

    /// <summary>The table, [vocabulary, width]: created (and the name fixed) the first time it is asked for.</summary>
    public Expr Table => _table ??= _initializer.Variable($"{Name}/table", Shape.Of(Vocabulary, Width), _dtype);

    /// <summary>The number of distinct ids.</summary>
    public int Vocabulary { get; }

    /// <summary>The length of each vector.</summary>
    public int Width { get; }

    /// <inheritdoc />
    bool INamedLayer.HasDefaultName => _hasDefaultName;

    /// <inheritdoc />
    bool INamedLayer.IsBuilt => _table is not null;

    /// <inheritdoc />
    void INamedLayer.Rename(string name) => Name = _table is null ? name : throw new FuncNetException($"Embedding '{Name}': cannot be renamed to '{name}' after its table was created.");

    /// <inheritdoc />
    public IReadOnlyList<Expr> Variables => [Table];

    /// <inheritdoc />
    public Expr Apply(Expr input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.DType != DType.Int32)
        {
            throw new DTypeException($"Embedding '{Name}': expected Int32 token ids; given {input.DType} ids of shape {input.Shape}.");
        }
        return Ops.Embedding(Table, input);
    }
}
