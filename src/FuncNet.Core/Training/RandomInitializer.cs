namespace FuncNet;

/// <summary>
/// Samples elements independently from a normal or uniform distribution with a seeded generator. The
/// parameters may depend on the shape's fans (Glorot, He), through <see cref="Parameters"/>.
/// </summary>
public sealed class RandomInitializer : Initializer
{
    private readonly Func<int, int, (double Location, double Scale)> _parameters;

    /// <summary>
    /// A random initializer. <paramref name="parameters"/> maps (fan in, fan out) to (mean, standard deviation)
    /// for a normal distribution, or to (centre, half-width) for a uniform one.
    /// </summary>
    public RandomInitializer(string name, bool normal, int seed, Func<int, int, (double Location, double Scale)> parameters)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        IsNormal = normal;
        Seed = seed;
        _parameters = parameters ?? throw new ArgumentNullException(nameof(parameters));
    }

    /// <summary>The initializer's name, e.g. <c>GlorotUniform</c>.</summary>
    public string Name { get; }

    /// <summary>True for a normal distribution, false for a uniform one.</summary>
    public bool IsNormal { get; }

    /// <summary>The seed of the generator.</summary>
    public int Seed { get; }

    /// <summary>(location, scale) for a weight shape's (fan in, fan out).</summary>
    public (double Location, double Scale) Parameters(int fanIn, int fanOut) => _parameters(fanIn, fanOut);

    /// <inheritdoc />
    public override Tensor Create(Shape shape, DType dtype)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (!shape.IsFullyKnown)
        {
            throw new ShapeException($"{Name}: expected a fully known shape; given {shape}.");
        }
        var (fanIn, fanOut) = Fans(shape);
        var (location, scale) = _parameters(fanIn, fanOut);
        // System.Random with a seed is the same generator on every platform and .NET version.
        var random = new Random(Seed);
        var values = new double[shape.Size];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = location + scale * (IsNormal ? StandardNormal(random) : 2 * random.NextDouble() - 1);
        }
        return Tensor.FromSpan(shape, values, dtype);
    }

    /// <summary>One standard normal sample (Box–Muller; 1 − u keeps the logarithm finite).</summary>
    internal static double StandardNormal(Random random)
    {
        var u = 1.0 - random.NextDouble();
        var v = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * v);
    }
}
