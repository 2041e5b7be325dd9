namespace FuncNet;

/// <summary>The usual initializers, each random one with an explicit seed.</summary>
public static class Initializers
{
    /// <summary>All zeros.</summary>
    public static Initializer Zeros { get; } = new ConstantInitializer(0.0);

    /// <summary>All ones (normalization scales, running variances).</summary>
    public static Initializer Ones { get; } = new ConstantInitializer(1.0);

    /// <summary>Every element <paramref name="value"/>.</summary>
    public static Initializer Constant(double value) => new ConstantInitializer(value);

    /// <summary>Normal with the given mean and standard deviation.</summary>
    public static Initializer Normal(double mean, double standardDeviation, int seed) =>
        new RandomInitializer("Normal", true, seed, (_, _) => (mean, RequireScale(standardDeviation, "Normal standard deviation")));

    /// <summary>Uniform on [minimum, maximum).</summary>
    public static Initializer Uniform(double minimum, double maximum, int seed)
    {
        if (!(double.IsFinite(minimum) && double.IsFinite(maximum) && minimum < maximum))
        {
            throw new FuncNetException($"Uniform initializer: expected finite minimum < maximum; given [{minimum}, {maximum}).");
        }
        return new RandomInitializer("Uniform", false, seed, (_, _) => ((minimum + maximum) / 2, (maximum - minimum) / 2));
    }

    /// <summary>Glorot (Xavier) uniform: U(−l, l) with l = √(6 / (fan in + fan out)); Keras' default for Dense.</summary>
    public static Initializer GlorotUniform(int seed) =>
        new RandomInitializer("GlorotUniform", false, seed, (fi, fo) => (0, Math.Sqrt(6.0 / (fi + fo))));

    /// <summary>Glorot (Xavier) normal: N(0, 2 / (fan in + fan out)).</summary>
    public static Initializer GlorotNormal(int seed) =>
        new RandomInitializer("GlorotNormal", true, seed, (fi, fo) => (0, Math.Sqrt(2.0 / (fi + fo))));

    /// <summary>He normal: N(0, 2 / fan in), for ReLU layers.</summary>
    public static Initializer HeNormal(int seed) =>
        new RandomInitializer("HeNormal", true, seed, (fi, _) => (0, Math.Sqrt(2.0 / fi)));

    /// <summary>He uniform: U(−l, l) with l = √(6 / fan in), for ReLU layers.</summary>
    public static Initializer HeUniform(int seed) =>
        new RandomInitializer("HeUniform", false, seed, (fi, _) => (0, Math.Sqrt(6.0 / fi)));

    private static double RequireScale(double s, string what) =>
        double.IsFinite(s) && s >= 0 ? s : throw new FuncNetException($"{what}: expected a finite number ≥ 0; given {s}.");
}
