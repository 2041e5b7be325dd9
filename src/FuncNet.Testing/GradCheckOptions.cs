namespace FuncNet.Testing;

/// <summary>
/// How <see cref="GradCheck"/> differentiates numerically and when it calls two values equal. Immutable:
/// start from <see cref="Default"/> and change what you need with the <c>With…</c> methods.
/// </summary>
public sealed class GradCheckOptions
{
    private GradCheckOptions(double epsilon, double absoluteTolerance, double relativeTolerance, int seed, IBackend? backend)
    {
        Epsilon = epsilon;
        AbsoluteTolerance = absoluteTolerance;
        RelativeTolerance = relativeTolerance;
        Seed = seed;
        Backend = backend;
    }

    /// <summary>
    /// PyTorch's gradcheck defaults: a step of 1e-6, and an element passes when
    /// |symbolic − numeric| ≤ 1e-5 + 1e-3·|numeric|. Seed 0; the default backend.
    /// </summary>
    public static GradCheckOptions Default { get; } = new(1e-6, 1e-5, 1e-3, 0, null);

    /// <summary>The central-difference step h: ∂f/∂xᵢ ≈ (f(x + h eᵢ) − f(x − h eᵢ)) / 2h.</summary>
    public double Epsilon { get; }

    /// <summary>The absolute part of the tolerance, atol in |symbolic − numeric| ≤ atol + rtol·|numeric|.</summary>
    public double AbsoluteTolerance { get; }

    /// <summary>The relative part of the tolerance, rtol in |symbolic − numeric| ≤ atol + rtol·|numeric|.</summary>
    public double RelativeTolerance { get; }

    /// <summary>Seeds the random projection of the second-order check, so a failure replays exactly.</summary>
    public int Seed { get; }

    /// <summary>Where both sides are evaluated; null: <see cref="FuncNet.Backend.Default"/>.</summary>
    public IBackend? Backend { get; }

    /// <summary>These options with another step.</summary>
    public GradCheckOptions WithEpsilon(double epsilon)
    {
        if (!(epsilon > 0) || !double.IsFinite(epsilon))
        {
            throw new FuncNetException($"GradCheckOptions.WithEpsilon: expected a finite step > 0; given {epsilon}.");
        }
        return new(epsilon, AbsoluteTolerance, RelativeTolerance, Seed, Backend);
    }

    /// <summary>These options with other tolerances (atol, rtol), both ≥ 0.</summary>
    public GradCheckOptions WithTolerances(double absolute, double relative)
    {
        if (!(absolute >= 0) || !(relative >= 0))
        {
            throw new FuncNetException($"GradCheckOptions.WithTolerances: expected tolerances ≥ 0; given absolute {absolute}, relative {relative}.");
        }
        return new(Epsilon, absolute, relative, Seed, Backend);
    }

    /// <summary>These options with another seed.</summary>
    public GradCheckOptions WithSeed(int seed) => new(Epsilon, AbsoluteTolerance, RelativeTolerance, seed, Backend);

    /// <summary>These options evaluating on <paramref name="backend"/>.</summary>
    public GradCheckOptions WithBackend(IBackend backend) =>
        new(Epsilon, AbsoluteTolerance, RelativeTolerance, Seed, backend ?? throw new ArgumentNullException(nameof(backend)));
}
