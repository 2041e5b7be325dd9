using FuncNet.Layers;
using static FuncNet.Ops;

namespace FuncNet.Tests.Training;

public class InitializerAndLayerTests
{
    [Fact]
    public void SeededInitializersAreReproducibleAndScaled()
    {
        var shape = Shape.Of(200, 100);
        Assert.Equal(Initializers.GlorotUniform(7).Create(shape), Initializers.GlorotUniform(7).Create(shape));
        Assert.NotEqual(Initializers.GlorotUniform(7).Create(shape), Initializers.GlorotUniform(8).Create(shape));

        var limit = Math.Sqrt(6.0 / 300);
        Assert.All(Initializers.GlorotUniform(1).Create(shape).ToDoubleArray(), v => Assert.InRange(v, -limit, limit));
        Assert.All(Initializers.Uniform(2, 3, 1).Create(shape).ToDoubleArray(), v => Assert.InRange(v, 2, 3));

        var he = Initializers.HeNormal(3).Create(shape).ToDoubleArray();
        var std = Math.Sqrt(he.Select(v => v * v).Average());
        Assert.InRange(std, 0.9 * Math.Sqrt(2.0 / 200), 1.1 * Math.Sqrt(2.0 / 200));
        var normal = Initializers.Normal(5, 2, 4).Create(shape).ToDoubleArray();
        Assert.InRange(normal.Average(), 4.9, 5.1);
        Assert.All(Initializers.Zeros.Create(Shape.Of(3), DType.Float32).ToFloatArray(), v => Assert.Equal(0f, v));
        Assert.Throws<FuncNetException>(() => Initializers.Uniform(3, 2, 0));
    }

    [Fact]
    public void DenseAndSequentialDifferentiateAndTrain()
    {
        // XOR with a 2-8-2 network: layers are plain expressions, so the optimizer trains them like anything else.
        var x = Expr.Placeholder("x", -1, 2);
        var c = Expr.Placeholder("c", -1, 2);
        var model = new Sequential(new Dense(8, Tanh, 1), new Dense(2, 2));
        var logits = model.Apply(x);
        Assert.Equal(4, model.Variables.Count);
        Assert.Equal(Shape.Of(2, 8), model.Variables[0].Shape);
        var loss = Losses.CategoricalCrossEntropyFromLogits(c, logits, Reduction.Mean);
        var step = new AdamOptimizer(0.05).Minimize(loss);
        Assert.Equal(4, step.Variables.Count);
        using var session = new Session();
        var feeds = new Dictionary<Expr, Tensor>
        {
            [x] = Tensor.FromArray(new double[,] { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } }),
            [c] = Tensor.FromArray(new double[,] { { 1, 0 }, { 0, 1 }, { 0, 1 }, { 1, 0 } }),
        };
        var first = session.Run(step, feeds).ToScalar();
        for (var i = 0; i < 200; i++) { session.Run(step, feeds); }
        Assert.True(session.Run(loss, feeds).ToScalar() < first / 10);
        Assert.Equal(1.0, session.Run(Losses.Accuracy(c, logits), feeds).ToScalar());
    }

    [Fact]
    public void DenseWithoutASeedDrawsTheSameWeightsEveryTime()
    {
        var x = Expr.Placeholder("x", -1, 5);
        var unseeded = new Dense(4);
        var activated = new Dense(4, Relu);
        unseeded.Apply(x);
        activated.Apply(x);
        var seeded = new Dense(4, Dense.DefaultSeed);
        seeded.Apply(x);
        var other = new Dense(4, Dense.DefaultSeed + 1);
        other.Apply(x);
        using var session = new Session(Backend.Reference);
        var weights = session.GetValue(unseeded.Kernel!);
        Assert.Equal(weights, session.GetValue(seeded.Kernel!));
        Assert.Equal(weights, session.GetValue(activated.Kernel!));
        Assert.NotEqual(weights, session.GetValue(other.Kernel!));
        Assert.Contains(weights.ToDoubleArray(), v => v != 0);
    }

    [Fact]
    public void MeanSquaredErrorAveragesEachExampleThenReducesOverExamples()
    {
        var y = Constant(Tensor.FromArray(new double[,] { { 1, 0, 2 }, { 0, 1, 1 } }));
        var p = Constant(Tensor.FromArray(new double[,] { { 0.5, 0, 1 }, { 0, 3, 1 } }));
        var perExample = new[] { (0.25 + 0 + 1) / 3, (0 + 4 + 0) / 3.0 };
        Assert.Equal(perExample.Sum(), Losses.MeanSquaredError(y, p, Reduction.Sum).Eval().ToScalar(), 14);
        Assert.Equal(perExample.Average(), Losses.MeanSquaredError(y, p, Reduction.Mean).Eval().ToScalar(), 14);
        Assert.Equal(Losses.MeanSquaredError(y, p).Eval().ToScalar(), Losses.MeanSquaredError(y, p, Reduction.Mean).Eval().ToScalar(), 14);
        // A vector is one value per example.
        var v = Constant(Tensor.FromArray(new[] { 1.0, 3.0 }));
        Assert.Equal(1.0 + 9.0, Losses.MeanSquaredError(v, Constant(Tensor.FromArray(new[] { 0.0, 0.0 })), Reduction.Sum).Eval().ToScalar(), 14);
        var e = Assert.Throws<ShapeException>(() => Losses.MeanSquaredError(v, p, Reduction.Sum));
        Assert.Contains("MeanSquaredError", e.Message);
        Assert.Throws<FuncNetException>(() => Losses.MeanSquaredError(y, p, (Reduction)7));
    }

    [Fact]
    public void DenseNeedsAKnownInputWidth()
    {
        var layer = new Dense(3, 0);
        Assert.Throws<ShapeException>(() => layer.Apply(Expr.Placeholder("x", -1, -1)));
        layer.Apply(Expr.Placeholder("x", -1, 4));
        Assert.Throws<ShapeException>(() => layer.Apply(Expr.Placeholder("y", -1, 5)));
    }

    [Fact]
    public void LossesMatchTheirDefinitions()
    {
        var y = Constant(Tensor.FromArray(new double[,] { { 1, 0 }, { 0, 1 } }));
        var p = Constant(Tensor.FromArray(new double[,] { { 0.8, 0.2 }, { 0.4, 0.6 } }));
        var expected = -(Math.Log(0.8) + Math.Log(0.6));
        Assert.Equal(expected, Losses.CategoricalCrossEntropy(y, p, Reduction.Sum).Eval().ToScalar(), 14);
        Assert.Equal(expected / 2, Losses.CategoricalCrossEntropy(y, p, Reduction.Mean).Eval().ToScalar(), 14);
        var bce = -(Math.Log(0.8) + Math.Log(0.8) + Math.Log(0.6) + Math.Log(0.6)) / 4;
        Assert.Equal(bce, Losses.BinaryCrossEntropy(y, p, Reduction.Mean).Eval().ToScalar(), 14);
        var logits = Constant(Tensor.FromArray(new double[,] { { 2, -1 }, { 0.5, 3 } }));
        Assert.Equal(Losses.CategoricalCrossEntropy(y, Softmax(logits), Reduction.Sum).Eval().ToScalar(),
            Losses.CategoricalCrossEntropyFromLogits(y, logits, Reduction.Sum).Eval().ToScalar(), 12);
        Assert.Equal(Losses.BinaryCrossEntropy(y, Sigmoid(logits), Reduction.Sum).Eval().ToScalar(),
            Losses.BinaryCrossEntropyFromLogits(y, logits, Reduction.Sum).Eval().ToScalar(), 12);
        Assert.Equal((0.04 + 0.04 + 0.16 + 0.16) / 4, Losses.MeanSquaredError(y, p).Eval().ToScalar(), 14);
        Assert.Equal(1.0, Losses.Accuracy(y, p).Eval().ToScalar());
        Assert.Equal(0.5, Losses.Accuracy(Constant(Tensor.FromArray(new[] { 0, 0 })), p).Eval().ToScalar());
        Assert.Throws<ShapeException>(() => Losses.MeanSquaredError(Constant(Tensor.FromArray(new[] { 1.0 })), p));
    }
}
