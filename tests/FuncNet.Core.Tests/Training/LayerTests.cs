using FuncNet.Layers;
using static FuncNet.Ops;
using FuncNet.Testing;

namespace FuncNet.Tests.Training;

/// <summary>Flatten, LayerNorm and BatchNorm layers, and the unique default names that let a Sequential restore by name.</summary>
public sealed class LayerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("funcnet-layers").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static Tensor Inputs(int rows, int width, int seed) =>
        FuncNet.Testing.RandomExpr.RandomValues(new Random(seed), Shape.Of(rows, width));

    [Fact]
    public void DefaultNamedLayersOfASequentialGetUniqueNames()
    {
        var inner = new Sequential(new Dense(3), new LayerNorm());
        var model = new Sequential(new Dense(4, Tanh), new BatchNorm(), new Dense(4, Relu, Initializers.GlorotUniform(1), Initializers.Zeros, "dense_1"), inner, new Dense(2));
        model.Apply(Expr.Placeholder("x", -1, 5));
        Assert.Equal(
            ["dense/kernel", "dense/bias", "batch_norm/gamma", "batch_norm/beta", "dense_1/kernel", "dense_1/bias",
             "dense_2/kernel", "dense_2/bias", "layer_norm/gamma", "layer_norm/beta", "dense_3/kernel", "dense_3/bias"],
            model.Variables.Select(v => v.Name));
        Assert.Equal(["batch_norm/running_mean", "batch_norm/running_variance"], model.NonTrainableVariables.Select(v => v.Name));
    }

    [Fact]
    public void TwoDefaultNamedEmbeddingsOfASequentialGetUniqueTables()
    {
        // Two lookups of one model (say tokens and positions), neither named: Sequential names them when it is
        // made, and each table is created under its final name the first time it is asked for.
        var first = new Embedding(5, 3);
        var model = new Sequential(first, new Embedding(4, 3));
        Assert.Equal(["embedding/table", "embedding_1/table"], model.Variables.Select(v => v.Name));
        Assert.Throws<FuncNetException>(() => ((INamedLayer)first).Rename("other"));
    }

    private static (Sequential Model, Expr Output) Build(Expr x)
    {
        var model = new Sequential(new Dense(6, Tanh, 1), new BatchNorm(), new Dense(6, Tanh, 2), new Dense(2, 3));
        return (model, model.Apply(x, training: false));
    }

    [Fact]
    public void ASequentialOfDefaultNamedLayersSavesAndRestoresByName()
    {
        var x = Expr.Placeholder("x", -1, 3);
        var y = Expr.Placeholder("y", -1, 2);
        var (model, inference) = Build(x);
        var loss = ReduceMean(Square(model.Apply(x) - y));
        var step = new GradientDescentOptimizer(0.1).Minimize(loss);
        var (feedX, feedY) = (Inputs(8, 3, 1), Inputs(8, 2, 2));
        var path = Path.Combine(_dir, "model.safetensors");
        Tensor expected;
        using (var session = new Session(Backend.Reference))
        {
            for (var i = 0; i < 3; i++) { session.Run(step, (x, feedX), (y, feedY)); }
            session.Save(path, [.. model.Variables, .. model.NonTrainableVariables]);
            expected = session.Run(inference, (x, feedX));
        }
        // A second model built the same way, untrained: restoring by name gives it the first one's function.
        var (fresh, freshInference) = Build(x);
        using var restored = new Session(Backend.Reference);
        Assert.False(restored.Run(freshInference, (x, feedX)).AllClose(expected));
        restored.Restore(path, [.. fresh.Variables, .. fresh.NonTrainableVariables]);
        Assert.True(restored.Run(freshInference, (x, feedX)).AllClose(expected, 1e-12, 1e-12));
    }

    [Fact]
    public void BatchNormTrainsWithBatchStatisticsAndInfersWithTheRunningOnes()
    {
        var x = Expr.Placeholder("x", -1, 3);
        var norm = new BatchNorm(0.5, 1e-5, null);
        var training = norm.Apply(x);
        var inference = norm.Apply(x, training: false);
        var step = new GradientDescentOptimizer(0.01).Minimize(ReduceSum(Square(training)));
        Assert.Equal(norm.Variables, step.Variables);
        // Shifted and scaled inputs: the running mean moves halfway to the batch mean with each step.
        var feed = Tensor.Create(Shape.Of(4, 3), Inputs(4, 3, 3).ToDoubleArray().Select(v => 3 * v + 5).ToArray());
        var batchMean = Enumerable.Range(0, 3).Select(j => Enumerable.Range(0, 4).Average(i => feed.GetDouble(i * 3 + j))).ToArray();
        using var session = new Session(Backend.Reference);
        session.Run(step, (x, feed));
        session.Run(step, (x, feed));
        var running = session.GetValue(norm.RunningMean!).ToDoubleArray();
        for (var j = 0; j < 3; j++) { Assert.Equal(0.75 * batchMean[j], running[j], 12); }
        // Training-mode output is centred per channel; inference mode uses the (not yet converged) running mean instead.
        var trained = session.Run(training, (x, feed)).ToDoubleArray();
        Assert.All(Enumerable.Range(0, 3), j => Assert.Equal(0.0, Enumerable.Range(0, 4).Average(i => trained[i * 3 + j]), 9));
        var inferred = session.Run(inference, (x, feed)).ToDoubleArray();
        Assert.All(Enumerable.Range(0, 3), j => Assert.True(Enumerable.Range(0, 4).Average(i => inferred[i * 3 + j]) > 0.1));
    }

    [Fact]
    public void ConvolutionAndPoolingLayersComposeIntoTheW6Shapes()
    {
        var x = Expr.Placeholder("x", Shape.Of(-1, 1, 28, 28), DType.Float32);
        var model = new Sequential(new Conv2D(32, 3, Relu), new MaxPool2D(2), new Conv2D(64, 3, Relu), new MaxPool2D(2), new Flatten(), new Dense(10));
        var logits = model.Apply(x);
        Assert.Equal(Shape.Of(-1, 10), logits.Shape);
        Assert.Equal(["conv2d/kernel", "conv2d/bias", "conv2d_1/kernel", "conv2d_1/bias", "dense/kernel", "dense/bias"], model.Variables.Select(v => v.Name));
        Assert.Equal(Shape.Of(64, 32, 3, 3), model.Variables[2].Shape);
        Assert.Equal(Shape.Of(1600, 10), model.Variables[4].Shape);
        var pooled = new AvgPool2D(2).Apply(Expr.Constant(Tensor.Create(Shape.Of(1, 1, 2, 2), new[] { 1.0, 2, 3, 6 })));
        Assert.Equal(3.0, pooled.Eval().ToDoubleArray()[0], 12);
        Assert.Throws<ShapeException>(() => new Conv2D(4, 3, null).Apply(Expr.Placeholder("flat", -1, 784)));
    }

    [Fact]
    public void FlattenJoinsEveryAxisAfterTheFirst()
    {
        var x = Expr.Placeholder("x", -1, 2, 3, 4);
        var flat = new Flatten().Apply(x);
        Assert.Equal(Shape.Of(-1, 24), flat.Shape);
        var value = Tensor.Create(Shape.Of(2, 2, 3, 4), Enumerable.Range(0, 48).Select(i => (double)i).ToArray());
        Assert.Equal(value.ToDoubleArray(), flat.Eval((x, value)).ToDoubleArray());
        Assert.Throws<ShapeException>(() => new Flatten().Apply(Expr.Placeholder("u", 2, -1)));
    }

    [Fact]
    public void LayerNormLayerNormalizesEachRowAndTrains()
    {
        var x = Expr.Placeholder("x", -1, 4);
        var model = new Sequential(new Dense(4, 5), new LayerNorm(), new Dense(1, 6));
        var y = Expr.Placeholder("y", -1, 1);
        var loss = ReduceMean(Square(model.Apply(x) - y));
        var step = new AdamOptimizer(0.05).Minimize(loss);
        Assert.Equal(6, step.Variables.Count);
        var (feedX, feedY) = (Inputs(16, 4, 7), Inputs(16, 1, 8));
        using var session = new Session(Backend.Reference);
        var first = session.Run(step, (x, feedX), (y, feedY)).ToScalar();
        for (var i = 0; i < 50; i++) { session.Run(step, (x, feedX), (y, feedY)); }
        Assert.True(session.Run(loss, (x, feedX), (y, feedY)).ToScalar() < first / 2);
    }
}
