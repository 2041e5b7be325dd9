namespace FuncNet;

/// <summary>
/// Adam (Kingma and Ba), as <c>tf.train.AdamOptimizer</c>: m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²;
/// w ← w − lr·√(1−β₂ᵗ)/(1−β₁ᵗ) · m / (√v + ε), with t the step number counting from 1.
/// This is TensorFlow 1's form, not <c>torch.optim.Adam</c>'s: ε is added to the uncorrected √v, which equals
/// PyTorch's update with ε·√(1−β₂ᵗ) in place of ε, so trajectories differ by up to ~1e-5 relative with the
/// default ε and by much more with a large one (docs/conventions.md).
/// </summary>
public sealed class AdamOptimizer : Optimizer
{
    /// <summary>Adam with the usual β₁ = 0.9, β₂ = 0.999, ε = 1e-8.</summary>
    public AdamOptimizer(double learningRate) : this(new ConstantLearningRate(learningRate), 0.9, 0.999, 1e-8) { }

    /// <summary>Adam with a learning-rate schedule and the usual β₁ = 0.9, β₂ = 0.999, ε = 1e-8.</summary>
    public AdamOptimizer(LearningRateSchedule learningRate) : this(learningRate, 0.9, 0.999, 1e-8) { }

    /// <summary>Adam with every hyper-parameter given.</summary>
    public AdamOptimizer(LearningRateSchedule learningRate, double beta1, double beta2, double epsilon) : base(learningRate)
    {
        Beta1 = InUnitInterval(beta1, "beta1");
        Beta2 = InUnitInterval(beta2, "beta2");
        Epsilon = double.IsFinite(epsilon) && epsilon > 0 ? epsilon : throw new FuncNetException($"AdamOptimizer epsilon: expected a finite positive number; given {epsilon}.");
    }

    /// <summary>The decay of the first-moment estimate.</summary>
    public double Beta1 { get; }

    /// <summary>The decay of the second-moment estimate.</summary>
    public double Beta2 { get; }

    /// <summary>Added to √v to avoid dividing by zero.</summary>
    public double Epsilon { get; }

    /// <inheritdoc />
    public override string Name => "Adam";

    /// <inheritdoc />
    protected override Expr Update(OptimizerContext context, Expr variable, Expr gradient)
    {
        var m = context.Slot(variable, "m");
        var v = context.Slot(variable, "v");
        var nextM = Beta1 * m + (1 - Beta1) * gradient;
        var nextV = Beta2 * v + (1 - Beta2) * Ops.Square(gradient);
        context.Assign(m, nextM);
        context.Assign(v, nextV);
        // The step count is shared by every variable of the step: t = updates done + 1.
        var t = context.StepCount + 1.0;
        var correction = Ops.Sqrt(1.0 - Ops.Pow(Expr.Constant(Beta2, DType.Float64), t)) / (1.0 - Ops.Pow(Expr.Constant(Beta1, DType.Float64), t));
        var rate = context.LearningRate(variable.DType) * Ops.Cast(correction, variable.DType);
        return variable - rate * nextM / (Ops.Sqrt(nextV) + Epsilon);
    }

    private static double InUnitInterval(double beta, string name) =>
        double.IsFinite(beta) && beta >= 0 && beta < 1 ? beta : throw new FuncNetException($"AdamOptimizer {name}: expected a number in [0, 1); given {beta}.");
}
