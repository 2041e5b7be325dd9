namespace FuncNet;

/// <summary>The same learning rate at every step.</summary>
public sealed class ConstantLearningRate : LearningRateSchedule
{
    /// <summary>A constant rate (finite, positive).</summary>
    public ConstantLearningRate(double rate)
    {
        Value = RequirePositive(rate, "Learning rate");
    }

    /// <summary>The rate.</summary>
    public double Value { get; }

    /// <inheritdoc />
    public override bool DependsOnStep => false;

    /// <summary>
    /// The rate as a weak constant, so it adopts each variable's dtype, and w − lr·g is computed exactly as
    /// TensorSlow and numpy compute it.
    /// </summary>
    public override Expr Rate(Expr step) => Value;
}
