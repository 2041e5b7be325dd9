namespace FuncNet;

/// <summary>Plain gradient descent: w ← w − lr·∂J/∂w for every variable at once (TensorSlow's and TensorFlow's).</summary>
public sealed class GradientDescentOptimizer : Optimizer
{
    /// <summary>Gradient descent with a constant learning rate.</summary>
    public GradientDescentOptimizer(double learningRate) : base(learningRate) { }

    /// <summary>Gradient descent with a learning rate schedule.</summary>
    public GradientDescentOptimizer(LearningRateSchedule learningRate) : base(learningRate) { }

    /// <inheritdoc />
    public override string Name => "GradientDescent";

    /// <inheritdoc />
    protected override Expr Update(OptimizerContext context, Expr variable, Expr gradient) =>
        variable - context.LearningRate(variable.DType) * gradient;
}
