namespace FuncNet.Linq;

/// <summary>
/// A model as a query: a pure description of named, shaped, seeded parameters and of what to build from
/// them. Nothing is created until <see cref="Build"/>, which makes one <see cref="Expr.Variable"/> per
/// declared parameter with initial values drawn from the seed; the same seed gives the same values.
/// <code>
/// var model = from w in Param.Normal("w", 784, 256)
///             from b in Param.Zeros("b", 256)
///             select Ops.Relu(Ops.MatMul(x, w) + b);
/// var built = model.Build(seed: 0);   // built.Value is the Expr; built.InitialValues["w"] its start
/// </code>
/// </summary>
/// <typeparam name="T">What the model builds: usually an Expr, or a function of the input.</typeparam>
public sealed class Param<T>
{
    private readonly Func<ParamScope, T> _run;

    internal Param(Func<ParamScope, T> run) => _run = run;

    /// <summary>Transforms what the query builds.</summary>
    public Param<TResult> Select<TResult>(Func<T, TResult> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        var run = _run;
        return new Param<TResult>(scope => f(run(scope)));
    }

    /// <summary>Declares more parameters after these (a further <c>from</c>).</summary>
    public Param<TResult> SelectMany<TNext, TResult>(Func<T, Param<TNext>> next, Func<T, TNext, TResult> result)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(result);
        var run = _run;
        return new Param<TResult>(scope =>
        {
            var t = run(scope);
            return result(t, next(t).Run(scope));
        });
    }

    /// <summary>Declares more parameters after these.</summary>
    public Param<TNext> SelectMany<TNext>(Func<T, Param<TNext>> next) => SelectMany(next, (_, u) => u);

    internal T Run(ParamScope scope) => _run(scope);

    /// <summary>
    /// Builds the model: a fresh variable for each declared parameter, initialized deterministically from
    /// <paramref name="seed"/> and the parameter's name. Building twice gives distinct variables with equal values.
    /// </summary>
    public BuiltModel<T> Build(int seed)
    {
        var scope = new ParamScope(seed);
        var value = _run(scope);
        return new BuiltModel<T>(value, scope.Variables);
    }
}

/// <summary>The parameter declarations that start a model query; see <see cref="Param{T}"/>.</summary>
public static partial class Param
{
    /// <summary>A Float64 parameter drawn from the standard normal distribution (as <c>tf.random_normal</c> and numpy's randn).</summary>
    public static Param<Expr> Normal(string name, params int[] dims) => Normal(name, new Shape(dims), 0.0, 1.0, DType.Float64);

    /// <summary>A parameter drawn from the normal distribution with the given mean and standard deviation.</summary>
    public static Param<Expr> Normal(string name, Shape shape, double mean, double stddev, DType dtype) =>
        Declare(name, shape, dtype, r => mean + stddev * r.NextNormal());

    /// <summary>A Float64 parameter drawn uniformly from [0, 1).</summary>
    public static Param<Expr> Uniform(string name, params int[] dims) => Uniform(name, new Shape(dims), 0.0, 1.0, DType.Float64);

    /// <summary>A parameter drawn uniformly from [low, high).</summary>
    public static Param<Expr> Uniform(string name, Shape shape, double low, double high, DType dtype) =>
        Declare(name, shape, dtype, r => low + (high - low) * r.NextDouble());

    /// <summary>A Float64 [fanIn, fanOut] weight matrix with Glorot (Xavier) uniform values in ±√(6 / (fanIn + fanOut)).</summary>
    public static Param<Expr> Glorot(string name, int fanIn, int fanOut) => Glorot(name, fanIn, fanOut, DType.Float64);

    /// <summary>A [fanIn, fanOut] weight matrix with Glorot (Xavier) uniform values in ±√(6 / (fanIn + fanOut)).</summary>
    public static Param<Expr> Glorot(string name, int fanIn, int fanOut, DType dtype)
    {
        var limit = Math.Sqrt(6.0 / (fanIn + fanOut));
        return Uniform(name, Shape.Of(fanIn, fanOut), -limit, limit, dtype);
    }

    /// <summary>A Float64 parameter of zeros (biases).</summary>
    public static Param<Expr> Zeros(string name, params int[] dims) => Zeros(name, new Shape(dims), DType.Float64);

    /// <summary>A parameter of zeros.</summary>
    public static Param<Expr> Zeros(string name, Shape shape, DType dtype) => Declare(name, shape, dtype, _ => 0.0);

    /// <summary>A query that declares nothing and builds <paramref name="value"/>.</summary>
    public static Param<T> Return<T>(T value) => new(_ => value);

    private static Param<Expr> Declare(string name, Shape shape, DType dtype, Func<SeededRandom, double> draw)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        if (!shape.IsFullyKnown)
        {
            throw new ShapeException($"Param '{name}': a parameter needs a fully known shape to be initialized; given {shape}.");
        }
        return new Param<Expr>(scope =>
        {
            var random = SeededRandom.For(scope.Seed, name);
            var values = new double[shape.Size];
            for (var i = 0; i < values.Length; i++) { values[i] = draw(random); }
            return scope.Declare(name, Tensor.FromSpan(shape, values, dtype));
        });
    }
}

/// <summary>What one Build sees: the seed and the variables declared so far (names must be unique).</summary>
internal sealed class ParamScope(int seed)
{
    private readonly List<Expr> _variables = [];

    public int Seed { get; } = seed;

    public IReadOnlyList<Expr> Variables => _variables;

    public Expr Declare(string name, Tensor initial)
    {
        if (_variables.Any(v => v.Name == name))
        {
            throw new FuncNetException($"Param '{name}' is declared twice in one model; give each parameter its own name.");
        }
        var v = Expr.Variable(name, initial);
        _variables.Add(v);
        return v;
    }
}
