using FuncNet.Cli.FashionMnist;
using FuncNet.Layers;

namespace FuncNet.Cli.Tests;

/// <summary>
/// The two CNNs of the CLI: the benchmark's W6 network, exactly PyTorch's (no batch norm, no dropout), and
/// <c>--model cnn</c>'s regularized one, whose inference graph has no dropout and uses the running statistics.
/// </summary>
public class CnnModelTests
{
    private static readonly Expr Images = Expr.Placeholder("images", Shape.Of(-1, 1, 28, 28), DType.Float32);

    [Fact]
    public void TheW6NetworkIsExactlyThePyTorchReferencesCnn()
    {
        var model = FashionMnistTrainer.W6Cnn(0);
        Assert.Equal([typeof(Conv2D), typeof(MaxPool2D), typeof(Conv2D), typeof(MaxPool2D), typeof(Flatten), typeof(Dense), typeof(Dense)],
            model.Layers.Select(l => l.GetType()));
        model.Apply(Images);
        // conv 1→32 3 × 3, conv 32→64 3 × 3, dense 1600→128, dense 128→10, each with a bias.
        Assert.Equal([Shape.Of(32, 1, 3, 3), Shape.Of(32), Shape.Of(64, 32, 3, 3), Shape.Of(64), Shape.Of(1600, 128), Shape.Of(128), Shape.Of(128, 10), Shape.Of(10)],
            model.Variables.Select(v => v.Shape));
        Assert.Empty(model.NonTrainableVariables);
    }

    [Fact]
    public void TheTrainedCnnIsTheW6NetworkWithBatchNormAfterEachPoolingAndDropoutAroundTheDenseLayer()
    {
        var model = FashionMnistTrainer.Cnn(0, new RandomKeyStream("test/key", 0));
        Assert.Equal([typeof(Conv2D), typeof(MaxPool2D), typeof(BatchNorm), typeof(Conv2D), typeof(MaxPool2D), typeof(BatchNorm),
                      typeof(Flatten), typeof(Dropout), typeof(Dense), typeof(Dropout), typeof(Dense)],
            model.Layers.Select(l => l.GetType()));
        Assert.Equal([0.25, 0.5], model.Layers.OfType<Dropout>().Select(d => d.Rate));
        model.Apply(Expr.Placeholder("batch", Shape.Of(4, 1, 28, 28), DType.Float32));
        var w6 = FashionMnistTrainer.W6Cnn(0);
        w6.Apply(Images);
        // The same weights as W6 (shapes and initial values), plus γ and β of 32 and 64 channels.
        var weights = model.Variables.Where(v => !(v.Name ?? "").StartsWith("batch_norm", StringComparison.Ordinal)).ToArray();
        Assert.Equal(w6.Variables.Select(v => v.Shape), weights.Select(v => v.Shape));
        using var session = new Session(Backend.Reference);
        foreach (var (a, b) in w6.Variables.Zip(weights)) { Assert.Equal(session.GetValue(a).ToDoubleArray(), session.GetValue(b).ToDoubleArray()); }
        Assert.Equal(["batch_norm/running_mean", "batch_norm/running_variance", "batch_norm_1/running_mean", "batch_norm_1/running_variance"],
            model.NonTrainableVariables.Select(v => v.Name));
    }

    /// <summary>
    /// What the trainer evaluates and exports: the inference graph ignores the dropout key and normalizes with
    /// the running statistics; the training graph draws a new mask for another key and normalizes with the
    /// batch's own statistics, whatever the running ones.
    /// </summary>
    [Fact]
    public void TheInferenceGraphHasNoDropoutAndUsesTheRunningStatistics()
    {
        var keys = new RandomKeyStream("test/key", 3);
        var model = FashionMnistTrainer.Cnn(1, keys);
        var batch = Expr.Placeholder("batch", Shape.Of(4, 1, 28, 28), DType.Float32);
        var training = model.Apply(batch, training: true);
        var inference = model.Apply(Images, training: false);
        var rng = new Random(5);
        var images = Tensor.Create(Shape.Of(4, 1, 28, 28), Enumerable.Range(0, 4 * 784).Select(_ => (float)rng.NextDouble()).ToArray());
        using var session = new Session(Backend.Reference);
        double[] Training() => session.Run(training, (batch, images)).ToDoubleArray();
        double[] Inference() => session.Run(inference, (Images, images)).ToDoubleArray();

        var (trained, inferred) = (Training(), Inference());
        session.Assign(keys.Key, Ops.RandomKeyValue(99));
        Assert.NotEqual(trained, Training());
        Assert.Equal(inferred, Inference());

        session.Assign(keys.Key, Ops.RandomKeyValue(3));
        var mean = model.NonTrainableVariables[0];
        session.Assign(mean, Tensor.Create(mean.Shape, Enumerable.Repeat(0.5f, mean.Shape.Size).ToArray()));
        Assert.Equal(trained, Training());
        Assert.NotEqual(inferred, Inference());
    }
}
