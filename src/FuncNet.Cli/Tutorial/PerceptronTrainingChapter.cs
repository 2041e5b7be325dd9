using static FuncNet.Ops;

namespace FuncNet.Cli.Tutorial;

/// <summary>Chapter 4: training the perceptron by gradient descent on J (lr 0.01, 100 full-batch steps).</summary>
internal sealed class PerceptronTrainingChapter : Chapter
{
    public override string Name => "perceptron";

    public override string Title => "Gradient descent: training the perceptron";

    /// <summary>
    /// p = softmax(X·W + b), J = −Σ c·log p, <paramref name="steps"/> steps of gradient descent from (W0, b0).
    /// <paramref name="onStep"/> sees (step, loss before it), or is null.
    /// </summary>
    public static TrainingRun Train(Tensor x, Tensor c, Tensor w0, Tensor b0, double learningRate, int steps, IBackend backend, Action<int, double>? onStep)
    {
        var xp = Expr.Placeholder("X", -1, 2);
        var cp = Expr.Placeholder("c", -1, 2);
        var w = Expr.Variable("W", w0);
        var b = Expr.Variable("b", b0);
        var p = Softmax(MatMul(xp, w) + b);
        var feeds = new Dictionary<Expr, Tensor> { [xp] = x, [cp] = c };
        var (run, session) = TrainingRun.GradientDescent(p, cp, feeds, new Dictionary<string, Expr> { ["W"] = w, ["b"] = b }, learningRate, steps, backend, onStep);
        session.Dispose();
        return run;
    }

    public override void Run(TutorialContext context)
    {
        var o = context.Output;
        var (x, c) = PointClouds.Separable(seed: 0);
        var random = new Random(1);
        var (w0, b0) = (PointClouds.Normal(random, 2, 2), PointClouds.Normal(random, 2));
        o.WriteLine("p = softmax(X·W + b); J = −Σ c·log p; W ← W − 0.01·∂J/∂W, b ← b − 0.01·∂J/∂b");
        var run = Train(x, c, w0, b0, 0.01, 100, context.Backend, (i, loss) =>
        {
            if (i % 10 == 0) { o.WriteLine($"  step {i,3}: loss {loss:F6}"); }
        });
        o.WriteLine($"  after 100 steps: loss {run.FinalLoss:F6}");
        o.WriteLine($"  W = {Format(run.Final["W"])}");
        o.WriteLine($"  b = {Format(run.Final["b"])}");
        o.WriteLine($"  accuracy {run.Accuracy:P0}");
        foreach (var path in new[]
        {
            Plotting.Plots.Save(context.OutDirectory, "perceptron-boundary.png", o, plot =>
            {
                Plotting.Plots.PointClouds(plot, x.ToArray2D(), c.ToArray2D(), "Perceptron after 100 steps");
                Plotting.Plots.PerceptronBoundary(plot, run.Final["W"].ToArray2D(), run.Final["b"].ToDoubleArray(), -5, 5);
            }),
            Plotting.Plots.Save(context.OutDirectory, "perceptron-loss.png", o, plot =>
                Plotting.Plots.Curves(plot, "Perceptron training", "step", "J", [("J", run.LossBeforeStep)], 0, logScale: true)),
        })
        {
            if (path is not null) { o.WriteLine($"  plot: {path}"); }
        }
    }
}
