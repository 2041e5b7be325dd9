namespace FuncNet;

/// <summary>
/// A learning rate as a function of the number of updates already applied (0 for the first step). The rate
/// is an expression of the optimizer's step-count variable, so it is computed inside the training plan.
/// A bare number converts to a <see cref="ConstantLearningRate"/>.
/// </summary>
public abstract class LearningRateSchedule
{
    /// <summary>True when the rate depends on the step count (the optimizer then keeps a step-count variable).</summary>
    public virtual bool DependsOnStep => true;

    /// <summary>The rate at <paramref name="step"/>, a Float64 scalar expression counting the updates done so far.</summary>
    public abstract Expr Rate(Expr step);

    /// <summary>The rate at a given step, evaluated (for printing and tests).</summary>
    public double RateAt(long step) => Rate(Expr.Constant(step, DType.Float64)).Eval().ToScalar();

    /// <summary>A constant rate.</summary>
    public static implicit operator LearningRateSchedule(double rate) => new ConstantLearningRate(rate);

    /// <summary>Throws unless <paramref name="value"/> is finite and positive.</summary>
    internal static double RequirePositive(double value, string what) =>
        double.IsFinite(value) && value > 0
            ? value
            : throw new FuncNetException($"{what}: expected a finite positive number; given {value}.");
}
