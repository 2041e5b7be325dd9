namespace FuncNet.Layers;

/// <summary>
/// A lookup table from Int32 token ids to learned vectors, like Keras' <c>Embedding</c>: ids of any shape give
/// ids.Shape ++ (width). The table ([vocabulary, width]) is a variable created with the layer; only the rows
/// looked up in a step get a gradient. An id outside [0, vocabulary) is an <see cref="IndexException"/> when the
/// plan runs.
/// </summary>
public sealed class Embedding : ILayer
{
    /// <summary>
    /// The seed of the tables built without one: 0, so that a model trains the same way run after run (pass a
    /// seed to draw different tables).
    /// </summary>
    public const int DefaultSeed = 0;

    /// <summary>A Float64 table with uniform weights in [−0.05, 0.05) (Keras' default) drawn with <see cref="DefaultSeed"/>.</summary>
    public Embedding(int vocabulary, int width) : this(vocabulary, width, DType.Float64, DefaultSeed) { }

    /// <summary>A table of <paramref name="dtype"/> with uniform weights in [−0.05, 0.05) drawn with <paramref name="seed"/>.</summary>
    public Embedding(int vocabulary, int width, DType dtype, int seed)
        : this(vocabulary, width, dtype, Initializers.Uniform(-0.05, 0.05, seed), "embedding") { }

    /// <summary>A layer with every part given.</summary>
    public Embedding(int vocabulary, int width, DType dtype, Initializer initializer, string name)
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
        Name = string.IsNullOrEmpty(name) ? "embedding" : name;
        Table = initializer.Variable($"{Name}/table", Shape.Of(vocabulary, width), dtype);
    }

    /// <summary>The prefix of the variable's name.</summary>
    public string Name { get; }

    /// <summary>The table, [vocabulary, width].</summary>
    public Expr Table { get; }

    /// <summary>The number of distinct ids.</summary>
    public int Vocabulary => Table.Shape[0];

    /// <summary>The length of each vector.</summary>
    public int Width => Table.Shape[1];

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
