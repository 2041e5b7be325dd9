namespace FuncNet;

/// <summary>rate = initial · factor^⌊step / everySteps⌋: the rate is multiplied by factor once every everySteps steps.</summary>
public sealed class StepDecay : LearningRateSchedule
{
    /// <summary>A step decay schedule.</summary>
    public StepDecay(double initialRate, double factor, int everySteps)
    {
        InitialRate = RequirePositive(initialRate, "StepDecay initial rate");
        Factor = RequirePositive(factor, "StepDecay factor");
        EverySteps = everySteps > 0 ? everySteps : throw new FuncNetException($"StepDecay everySteps: expected a positive count; given {everySteps}.");
    }

    /// <summary>The rate before the first drop.</summary>
    public double InitialRate { get; }

    /// <summary>The factor of each drop.</summary>
    public double Factor { get; }

    /// <summary>The number of steps between drops.</summary>
    public int EverySteps { get; }

    /// <inheritdoc />
    public override Expr Rate(Expr step) =>
        InitialRate * Ops.Pow(Expr.Constant(Factor, step.DType), Floor(step / (double)EverySteps));

    /// <summary>⌊x⌋ for x ≥ 0 (a step count): casting to Int32 truncates toward zero, which is the floor there.</summary>
    internal static Expr Floor(Expr nonNegative) => Ops.Cast(Ops.Cast(nonNegative, DType.Int32), nonNegative.DType);
}
