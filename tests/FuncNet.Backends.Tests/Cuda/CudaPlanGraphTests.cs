using static FuncNet.Ops;

namespace FuncNet.Backends.Tests.Cuda;

/// <summary>
/// On a GPU only (they skip with the driver's reason elsewhere): a plan on the CUDA backend runs a
/// specialization eagerly once, captures the second run into a CUDA graph and replays it after, with the
/// same results as a plan that never captures; a plan with a host fallback runs eagerly and says why; a
/// new variable store makes the plan capture again.
/// </summary>
public class CudaPlanGraphTests
{
    private const int Batch = 16, Steps = 10;

    /// <summary>A small MLP training step (16-32-10, ReLU, softmax cross-entropy, SGD) and its inputs.</summary>
    private sealed class TrainingStep
    {
        public TrainingStep()
        {
            int[] sizes = [16, 32, 10];
            var rng = new Random(3);
            Tensor Random(params int[] dims) => Tensor.FromSpan(Shape.Of(dims), Enumerable.Range(0, dims.Aggregate(1, (p, d) => p * d)).Select(_ => rng.NextDouble() - 0.5).ToArray(), DType.Float32);
            X = Expr.Placeholder("x", Shape.Of(-1, sizes[0]), DType.Float32);
            Y = Expr.Placeholder("y", Shape.Of(-1, sizes[^1]), DType.Float32);
            var h = X;
            for (var i = 0; i + 1 < sizes.Length; i++)
            {
                var w = Expr.Variable($"w{i}", Random(sizes[i], sizes[i + 1]));
                var b = Expr.Variable($"b{i}", Tensor.Zeros(Shape.Of(sizes[i + 1]), DType.Float32));
                Parameters.AddRange([w, b]);
                h = MatMul(h, w) + b;
                if (i + 2 < sizes.Length) { h = Relu(h); }
            }
            Loss = ReduceMean(SoftmaxCrossEntropyWithLogits(Y, h));
            var grads = Gradients(Loss, Parameters.ToArray());
            Updates = Parameters.Zip(grads, (p, g) => KeyValuePair.Create(p, p - 0.1 * g)).ToArray();
            // Three different batches in turn: a replay must read the feeds copied in for its own run.
            for (var k = 0; k < 3; k++)
            {
                var labels = new double[Batch * sizes[^1]];
                for (var r = 0; r < Batch; r++) { labels[r * sizes[^1] + (r + k) % sizes[^1]] = 1; }
                Feeds.Add(new Dictionary<Expr, Tensor> { [X] = Random(Batch, sizes[0]), [Y] = Tensor.FromSpan(Shape.Of(Batch, sizes[^1]), labels, DType.Float32) });
            }
        }

        public Expr X { get; }
        public Expr Y { get; }
        public Expr Loss { get; }
        public List<Expr> Parameters { get; } = new();
        public KeyValuePair<Expr, Expr>[] Updates { get; }
        public List<Dictionary<Expr, Tensor>> Feeds { get; } = new();

        public double[] Train(Plan plan, VariableStore store, int steps) =>
            Enumerable.Range(0, steps).Select(s => plan.Run(Feeds[s % Feeds.Count], store)[0].ToScalar()).ToArray();
    }

    private static void SameLosses(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-5 * Math.Abs(expected[i]), $"step {i}: {actual[i]} replayed vs {expected[i]} eager");
        }
    }

    [SkippableFact]
    public void AReplayedTrainingStepLearnsExactlyLikeTheEagerOne()
    {
        var backend = CudaEnvironment.RequireDevice();
        var step = new TrainingStep();
        using var eager = Plan.Compile([step.Loss], step.Updates, backend);
        eager.CaptureGraphs = false;
        using var replayed = Plan.Compile([step.Loss], step.Updates, backend);
        Assert.True(replayed.CaptureGraphs, "capturing is on by default");
        using var eagerStore = new VariableStore(backend);
        using var replayedStore = new VariableStore(backend);

        var expected = step.Train(eager, eagerStore, Steps);
        var actual = step.Train(replayed, replayedStore, Steps);

        SameLosses(expected, actual);
        Assert.True(actual[^1] < actual[0], $"training should lower the loss: {actual[0]} → {actual[^1]}");
        Assert.Equal(1, replayed.GraphCaptures);
        Assert.True(replayed.LastRunReplayed);
        Assert.Null(replayed.GraphFallbackReason);
        Assert.Equal(0, eager.GraphCaptures);
        Assert.False(eager.LastRunReplayed);
        // The replays wrote their updates into the store, as the eager runs did.
        foreach (var p in step.Parameters)
        {
            Assert.True(replayedStore.Get(p).AllClose(eagerStore.Get(p), 1e-5, 1e-6), $"{p} differs after {Steps} steps");
        }
    }

    [SkippableFact]
    public void ANewVariableStoreIsCapturedAgain()
    {
        var backend = CudaEnvironment.RequireDevice();
        var step = new TrainingStep();
        using var eager = Plan.Compile([step.Loss], step.Updates, backend);
        eager.CaptureGraphs = false;
        using var replayed = Plan.Compile([step.Loss], step.Updates, backend);
        using var first = new VariableStore(backend);
        using var second = new VariableStore(backend);
        using var eagerStore = new VariableStore(backend);

        step.Train(replayed, first, 4);
        Assert.Equal(1, replayed.GraphCaptures);
        var expected = step.Train(eager, eagerStore, 4);
        var actual = step.Train(replayed, second, 4);

        SameLosses(expected, actual);
        Assert.Equal(2, replayed.GraphCaptures);
        Assert.True(replayed.LastRunReplayed);
    }

    [SkippableFact]
    public void APlanWithAHostFallbackRunsEagerlyAndSaysWhy()
    {
        var backend = CudaEnvironment.RequireDevice();
        var x = Expr.Placeholder("x", Shape.Of(-1, 12), DType.Float32);
        var w = Expr.Variable("w", Tensor.FromSpan(Shape.Of(12, 5), Enumerable.Range(0, 60).Select(i => Math.Sin(i * 0.7)).ToArray(), DType.Float32));
        var logits = MatMul(x, w);
        var outputs = new[] { ArgMax(logits), ReduceSum(Softmax(logits)) };
        using var plan = Plan.Compile(outputs, backend);
        Assert.True(plan.CaptureGraphs);
        for (var run = 0; run < 4; run++)
        {
            var feeds = new Dictionary<Expr, Tensor> { [x] = Tensor.FromSpan(Shape.Of(9, 12), Enumerable.Range(0, 108).Select(i => Math.Cos(i + run)).ToArray(), DType.Float32) };
            var results = plan.Run(feeds);
            var expected = Ops.Eval(outputs, feeds);
            Assert.Equal(expected[0].ToArray<int>(), results[0].ToArray<int>());
            Assert.True(results[1].AllClose(expected[1], 1e-5, 1e-5), $"run {run}");
            Assert.False(plan.LastRunReplayed);
            if (run > 0) { Assert.False(string.IsNullOrEmpty(plan.GraphFallbackReason), $"run {run}: no reason given for not replaying"); }
        }
        Assert.Equal(0, plan.GraphCaptures);
    }
}
