using static FuncNet.Ops;

namespace FuncNet.Cli.Tutorial;

/// <summary>
/// Chapter 6: the "Deep Learning using Numpy" two-layer sigmoid net (3-4-1) learning the first input
/// column. Its hand-written update syn += lᵀ·δ is gradient descent with rate 1 on 0.5·Σ(y − l2)², which
/// FuncNet derives symbolically.
/// </summary>
internal sealed class NumpyNetChapter : Chapter
{
    /// <summary>The four inputs (the third column is a constant 1, a bias).</summary>
    public static readonly Tensor X = Tensor.FromArray(new double[,] { { 0, 0, 1 }, { 0, 1, 1 }, { 1, 0, 1 }, { 1, 1, 1 } });

    /// <summary>The target: the first input column.</summary>
    public static readonly Tensor Y = Tensor.FromArray(new double[,] { { 0 }, { 0 }, { 1 }, { 1 } });

    public override string Name => "numpy-net";

    public override string Title => "The numpy two-layer network, differentiated symbolically";

    /// <summary>l1 = σ(X·syn0), l2 = σ(l1·syn1), gradient descent (rate 1) on 0.5·Σ(y − l2)².</summary>
    public static (TrainingRun Run, Tensor Output) Train(Tensor x, Tensor y, Tensor syn0, Tensor syn1, int iterations, IBackend backend, Action<int, double>? onStep)
    {
        var xp = Expr.Placeholder("X", -1, 3);
        var yp = Expr.Placeholder("y", -1, 1);
        var s0 = Expr.Variable("syn0", syn0);
        var s1 = Expr.Variable("syn1", syn1);
        var l2 = Sigmoid(MatMul(Sigmoid(MatMul(xp, s0)), s1));
        var loss = 0.5 * Losses.SquaredError(yp, l2, Reduction.Sum);
        var step = new GradientDescentOptimizer(1.0).Minimize(loss);
        using var session = new Session(backend);
        var feeds = new Dictionary<Expr, Tensor> { [xp] = x, [yp] = y };
        var losses = new List<double>(iterations);
        for (var i = 0; i < iterations; i++)
        {
            losses.Add(session.Run(step, feeds).ToScalar());
            onStep?.Invoke(i, losses[^1]);
        }
        var final = session.Run([loss, l2], feeds);
        var accuracy = final[1].ToDoubleArray().Zip(y.ToDoubleArray()).Average(p => Math.Round(p.First) == p.Second ? 1.0 : 0.0);
        var run = new TrainingRun(losses, new Dictionary<string, Tensor> { ["syn0"] = session.GetValue(s0), ["syn1"] = session.GetValue(s1) },
            accuracy, final[0].ToScalar());
        return (run, final[1]);
    }

    public override void Run(TutorialContext context)
    {
        var o = context.Output;
        // The numpy tutorial's initialization, 2·random − 1, with a seeded generator.
        var syn0 = Initializers.Uniform(-1, 1, 1).Create(Shape.Of(3, 4));
        var syn1 = Initializers.Uniform(-1, 1, 2).Create(Shape.Of(4, 1));
        o.WriteLine("l1 = sigmoid(X·syn0); l2 = sigmoid(l1·syn1); loss 0.5·Σ(y − l2)²; gradient descent, rate 1, 1000 iterations");
        var (run, output) = Train(X, Y, syn0, syn1, 1000, context.Backend, (i, loss) =>
        {
            if (i % 100 == 0) { o.WriteLine($"  iteration {i,4}: loss {loss:F6}"); }
        });
        o.WriteLine($"  after 1000 iterations: loss {run.FinalLoss:F6}");
        o.WriteLine($"  output l2 = {Format(output.Reshape(Shape.Of(4)))} (target [0 0 1 1])");
        o.WriteLine($"  accuracy {run.Accuracy:P0}");
        var path = Plotting.Plots.Save(context.OutDirectory, "numpy-net-loss.png", o, plot =>
            Plotting.Plots.Curves(plot, "Two-layer numpy net", "iteration", "0.5·Σ(y − l2)²", [("loss", run.LossBeforeStep)], 0, logScale: true));
        if (path is not null) { o.WriteLine($"  plot: {path}"); }
    }
}
