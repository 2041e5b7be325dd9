using static FuncNet.Ops;

namespace FuncNet.Tests.Training;

/// <summary>Momentum, Adam and the schedules against the same recurrences written out by hand.</summary>
public class OptimizerTests
{
    // f(w) = Σ (w − t)² has gradient 2(w − t).
    private static readonly double[] Target = [1.0, -2.0];

    private static (Session Session, TrainingStep Step, Expr W) Quadratic(Optimizer optimizer)
    {
        var w = Expr.Variable("w", new[] { 0.5, 0.5 });
        var step = optimizer.Minimize(ReduceSum(Square(w - Constant(Tensor.FromArray(Target)))));
        return (new Session(), step, w);
    }

    [Fact]
    public void MomentumFollowsItsRecurrence()
    {
        var (session, step, w) = Quadratic(new MomentumOptimizer(0.1, 0.9));
        using var _ = session;
        double[] x = [0.5, 0.5], a = [0, 0];
        for (var s = 0; s < 20; s++)
        {
            session.Run(step);
            for (var i = 0; i < 2; i++)
            {
                a[i] = 0.9 * a[i] + 2 * (x[i] - Target[i]);
                x[i] -= 0.1 * a[i];
            }
        }
        Assert.Equal(x, session.GetValue(w).ToDoubleArray(), (p, q) => Math.Abs(p - q) < 1e-12);
        Assert.Contains(step.SlotVariables, v => v.Name == "w/momentum");
    }

    [Fact]
    public void AdamFollowsItsRecurrence()
    {
        var (session, step, w) = Quadratic(new AdamOptimizer(0.05));
        using var _ = session;
        double[] x = [0.5, 0.5], m = [0, 0], v = [0, 0];
        for (var t = 1; t <= 30; t++)
        {
            session.Run(step);
            var rate = 0.05 * Math.Sqrt(1 - Math.Pow(0.999, t)) / (1 - Math.Pow(0.9, t));
            for (var i = 0; i < 2; i++)
            {
                var g = 2 * (x[i] - Target[i]);
                m[i] = 0.9 * m[i] + 0.1 * g;
                v[i] = 0.999 * v[i] + 0.001 * g * g;
                x[i] -= rate * m[i] / (Math.Sqrt(v[i]) + 1e-8);
            }
        }
        Assert.Equal(x, session.GetValue(w).ToDoubleArray(), (p, q) => Math.Abs(p - q) < 1e-10);
    }

    [Fact]
    public void SchedulesGiveTheDocumentedRates()
    {
        Assert.Equal(0.1, new ExponentialDecay(0.1, 0.5, 10).RateAt(0), 15);
        Assert.Equal(0.1 * Math.Pow(0.5, 0.5), new ExponentialDecay(0.1, 0.5, 10).RateAt(5), 15);
        Assert.Equal(0.1, new ExponentialDecay(0.1, 0.5, 10, true).RateAt(9), 15);
        Assert.Equal(0.05, new ExponentialDecay(0.1, 0.5, 10, true).RateAt(10), 15);
        Assert.Equal(1.0, new StepDecay(1.0, 0.1, 3).RateAt(2), 15);
        Assert.Equal(0.1, new StepDecay(1.0, 0.1, 3).RateAt(3), 15);
        Assert.Equal(0.01, new StepDecay(1.0, 0.1, 3).RateAt(7), 15);
        Assert.Throws<FuncNetException>(() => new StepDecay(1.0, 0.1, 0));
    }

    [Fact]
    public void GradientDescentWithAStepDecayUsesTheRateOfEachStep()
    {
        var w = Expr.Variable("w", 1.0);
        var step = new GradientDescentOptimizer(new StepDecay(0.25, 0.5, 2)).Minimize(Square(w));
        using var session = new Session();
        var x = 1.0;
        for (var s = 0; s < 6; s++)
        {
            session.Run(step);
            x -= 0.25 * Math.Pow(0.5, s / 2) * 2 * x;
        }
        Assert.Equal(x, session.GetValue(w).ToScalar(), 14);
    }

    [Fact]
    public void Float32VariablesTrainInFloat32()
    {
        var w = Expr.Variable("w", Tensor.FromArray(new[] { 1f, 2f }));
        var step = new AdamOptimizer(new ExponentialDecay(0.1, 0.9, 5), 0.9, 0.999, 1e-7).Minimize(ReduceSum(Square(w)));
        using var session = new Session();
        var first = session.Run(step);
        Assert.Equal(DType.Float32, first.DType);
        for (var i = 0; i < 50; i++) { session.Run(step); }
        Assert.Equal(DType.Float32, session.GetValue(w).DType);
        Assert.True(session.Run(ReduceSum(Square(w))).ToScalar() < 1.0);
    }
}
