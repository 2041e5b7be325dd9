namespace FuncNet;

/// <summary>
/// Gradient descent with momentum, as <c>tf.train.MomentumOptimizer</c>: a ← μ·a + g; w ← w − lr·a
/// (Nesterov: w ← w − lr·(g + μ·a)). The accumulator a is a slot variable starting at zero.
/// </summary>
public sealed class MomentumOptimizer : Optimizer
{
    /// <summary>Momentum with a constant learning rate.</summary>
    public MomentumOptimizer(double learningRate, double momentum) : this(new ConstantLearningRate(learningRate), momentum, false) { }

    /// <summary>Momentum with a schedule, optionally Nesterov's.</summary>
    public MomentumOptimizer(LearningRateSchedule learningRate, double momentum, bool useNesterov) : base(learningRate)
    {
        Momentum = double.IsFinite(momentum) && momentum >= 0 && momentum < 1
            ? momentum
            : throw new FuncNetException($"MomentumOptimizer momentum: expected a number in [0, 1); given {momentum}.");
        UseNesterov = useNesterov;
    }

    /// <summary>μ, the fraction of the accumulator kept per step.</summary>
    public double Momentum { get; }

    /// <summary>True for Nesterov's look-ahead form.</summary>
    public bool UseNesterov { get; }

    /// <inheritdoc />
    public override string Name => "Momentum";

    /// <inheritdoc />
    protected override Expr Update(OptimizerContext context, Expr variable, Expr gradient)
    {
        var accumulator = context.Slot(variable, "momentum");
        var next = Momentum * accumulator + gradient;
        context.Assign(accumulator, next);
        var direction = UseNesterov ? gradient + Momentum * next : next;
        return variable - context.LearningRate(variable.DType) * direction;
    }
}
