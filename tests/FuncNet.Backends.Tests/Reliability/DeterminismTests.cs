using static FuncNet.Ops;

namespace FuncNet.Backends.Tests.Reliability;

/// <summary>With a fixed seed, the Reference and managed backends give bitwise-identical training runs, run after run.</summary>
public class DeterminismTests
{
    private static Tensor[] Train(IBackend backend)
    {
        var x = Expr.Placeholder("x", Shape.Of(-1, 6), DType.Float32);
        var labels = Expr.Placeholder("labels", Shape.Of(-1, 3), DType.Float32);
        var model = new FuncNet.Layers.Sequential(
            new FuncNet.Layers.Dense(5, Relu, Initializers.HeUniform(7), Initializers.Zeros, "h"),
            new FuncNet.Layers.Dense(3, null, Initializers.GlorotUniform(8), Initializers.Zeros, "out"));
        var loss = Losses.CategoricalCrossEntropyFromLogits(labels, model.Apply(x), Reduction.Mean);
        var step = new AdamOptimizer(0.05).Minimize(loss);
        var rng = new Random(42);
        using var session = new Session(backend);
        for (var i = 0; i < 50; i++)
        {
            var batch = Tensor.Create(Shape.Of(10, 6), Enumerable.Range(0, 60).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray());
            var y = Tensor.Create(Shape.Of(10, 3), Enumerable.Range(0, 30).Select(k => k % 3 == (k / 3) % 3 ? 1f : 0f).ToArray());
            session.Run(step, (x, batch), (labels, y));
        }
        return model.Variables.Select(session.GetValue).ToArray();
    }

    [SkippableTheory]
    [InlineData("reference")]
    [InlineData("managed")]
    public void TrainingIsBitwiseRepeatable(string backendName)
    {
        var backend = StableLossTests.Get(backendName);
        var first = Train(backend);
        var second = Train(backend);
        for (var i = 0; i < first.Length; i++) { Assert.True(first[i].Equals(second[i]), $"{backend.Name}: variable {i} differs between runs"); }
    }
}
