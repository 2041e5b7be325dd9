namespace FuncNet;

/// <summary>
/// rate = initial · decayRate^(step / decaySteps), like <c>tf.train.exponential_decay</c>; with
/// <see cref="Staircase"/> the exponent is rounded down, so the rate drops once every decaySteps steps.
/// </summary>
public sealed class ExponentialDecay : LearningRateSchedule
{
    /// <summary>A smooth exponential decay.</summary>
    public ExponentialDecay(double initialRate, double decayRate, int decaySteps) : this(initialRate, decayRate, decaySteps, false) { }

    /// <summary>An exponential decay, in steps of decaySteps when <paramref name="staircase"/>.</summary>
    public ExponentialDecay(double initialRate, double decayRate, int decaySteps, bool staircase)
    {
        InitialRate = RequirePositive(initialRate, "ExponentialDecay initial rate");
        DecayRate = RequirePositive(decayRate, "ExponentialDecay decay rate");
        DecaySteps = decaySteps > 0 ? decaySteps : throw new FuncNetException($"ExponentialDecay decaySteps: expected a positive count; given {decaySteps}.");
        Staircase = staircase;
    }

    /// <summary>The rate at step 0.</summary>
    public double InitialRate { get; }

    /// <summary>The factor applied per <see cref="DecaySteps"/> steps.</summary>
    public double DecayRate { get; }

    /// <summary>The number of steps over which the rate is multiplied by <see cref="DecayRate"/>.</summary>
    public int DecaySteps { get; }

    /// <summary>True to decay in discrete drops.</summary>
    public bool Staircase { get; }

    /// <inheritdoc />
    public override Expr Rate(Expr step)
    {
        var exponent = step / (double)DecaySteps;
        if (Staircase) { exponent = StepDecay.Floor(exponent); }
        return InitialRate * Ops.Pow(Expr.Constant(DecayRate, step.DType), exponent);
    }
}
