using FuncNet.Layers;
using static FuncNet.Ops;

namespace FuncNet.Tests.Training.Distributed;

/// <summary>
/// Data-parallel steps over an in-process collective (threads as ranks): the same arithmetic as under
/// mpirun, which FuncNet.Cli.Tests' DataParallelMpiTests checks with real Open MPI processes.
/// </summary>
public sealed class DataParallelStepTests
{
    private const int Batch = 8;

    private sealed record Model(Expr X, Expr Y, Expr Loss, IReadOnlyList<Expr> Variables);

    private static Model Build(int hidden)
    {
        var x = Expr.Placeholder("x", Shape.Of(-1, 4), DType.Float64);
        var y = Expr.Placeholder("y", Shape.Of(-1, 3), DType.Float64);
        var model = new Sequential(
            new Dense(hidden, Tanh, Initializers.GlorotUniform(1), Initializers.Zeros, "hidden"),
            new Dense(3, null, Initializers.GlorotUniform(2), Initializers.Zeros, "output"));
        var loss = Losses.CategoricalCrossEntropyFromLogits(y, model.Apply(x), Reduction.Mean);
        return new Model(x, y, loss, model.Variables);
    }

    private static Optimizer Make(string name) => name == "adam" ? new AdamOptimizer(0.01) : new GradientDescentOptimizer(0.5);

    /// <summary>Step k's global batch: <paramref name="rows"/> rows of random features, one-hot labels.</summary>
    private static (Tensor X, Tensor Y) Data(int k, int first, int rows)
    {
        var random = new Random(100 + k);
        var x = Enumerable.Range(0, 2 * Batch * 4).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var y = new double[2 * Batch * 3];
        for (var i = 0; i < 2 * Batch; i++) { y[i * 3 + random.Next(3)] = 1; }
        return (Tensor.Create(Shape.Of(rows, 4), x.AsSpan(first * 4, rows * 4)), Tensor.Create(Shape.Of(rows, 3), y.AsSpan(first * 3, rows * 3)));
    }

    private static Tensor[] TrainParallel(ICollective collective, string optimizer, int steps, int bucketElements)
    {
        var m = Build(5);
        var step = new DataParallelStep(collective, Make(optimizer), m.Loss, bucketElements);
        using var session = new Session(Backend.Reference);
        step.Synchronize(session);
        for (var k = 0; k < steps; k++)
        {
            var (start, count) = DataParallelStep.Shard(2 * Batch, collective.Rank, collective.Size);
            var (x, y) = Data(k, start, count);
            step.Run(session, new Dictionary<Expr, Tensor> { [m.X] = x, [m.Y] = y }, count, 2 * Batch);
        }
        return [.. step.Variables.Concat(step.SlotVariables).Select(session.GetValue)];
    }

    private static Tensor[] TrainOneProcess(string optimizer, int steps)
    {
        var m = Build(5);
        var step = Make(optimizer).Minimize(m.Loss);
        using var session = new Session(Backend.Reference);
        for (var k = 0; k < steps; k++)
        {
            var (x, y) = Data(k, 0, 2 * Batch);
            session.Run(step, (m.X, x), (m.Y, y));
        }
        return [.. step.Variables.Concat(step.SlotVariables).Select(session.GetValue)];
    }

    private static double RelativeDifference(Tensor a, Tensor b)
    {
        var scale = b.ToDoubleArray().Max(Math.Abs);
        return a.MaxAbsDifference(b) / Math.Max(scale, double.Epsilon);
    }

    [Theory]
    [InlineData("sgd", DataParallelStep.DefaultBucketElements)]
    [InlineData("adam", DataParallelStep.DefaultBucketElements)]
    [InlineData("adam", 16)]
    public void TwoRanksStayBitwiseEqualAndMatchOneProcessOnTheCombinedBatch(string optimizer, int bucketElements)
    {
        var ranks = ThreadCollective.Run(2, c => TrainParallel(c, optimizer, 20, bucketElements));
        var single = TrainOneProcess(optimizer, 20);
        var initial = Build(5).Variables.Select(v => v.InitialValue).ToArray();
        Assert.Equal(single.Length, ranks[0].Length);
        for (var i = 0; i < single.Length; i++)
        {
            Assert.Equal(ranks[0][i].ToDoubleArray().Select(BitConverter.DoubleToInt64Bits), ranks[1][i].ToDoubleArray().Select(BitConverter.DoubleToInt64Bits));
            Assert.True(RelativeDifference(ranks[0][i], single[i]) <= 1e-12, $"state {i}: relative difference {RelativeDifference(ranks[0][i], single[i])}");
        }
        // The comparison means something only if training moved the weights.
        Assert.True(ranks[0][0].MaxAbsDifference(initial[0]) > 1e-3);
    }

    /// <summary>
    /// The step applies fed gradients, yet batch norm's running statistics and a dropout key stream move with
    /// it exactly as with Minimize's step in one process (one rank: the same arithmetic), and they are part of
    /// the state that Synchronize copies.
    /// </summary>
    [Fact]
    public void RunningStatisticsAndDropoutKeysMoveAsWithTheOneProcessStep()
    {
        Tensor[] Train(bool parallel)
        {
            var x = Expr.Placeholder("x", Shape.Of(2 * Batch, 4), DType.Float64);
            var y = Expr.Placeholder("y", Shape.Of(2 * Batch, 3), DType.Float64);
            var keys = new RandomKeyStream("keys", 7);
            var model = new Sequential(
                new Dense(5, Tanh, Initializers.GlorotUniform(1), Initializers.Zeros, "hidden"), new BatchNorm(), new Dropout(0.5, keys),
                new Dense(3, null, Initializers.GlorotUniform(2), Initializers.Zeros, "output"));
            var loss = Losses.CategoricalCrossEntropyFromLogits(y, model.Apply(x), Reduction.Mean);
            using var session = new Session(Backend.Reference);
            using var one = new SingleProcessCollective();
            var optimizer = new AdamOptimizer(0.01);
            var data = Enumerable.Range(0, 3).Select(k => Data(k, 0, 2 * Batch)).ToArray();
            if (parallel)
            {
                var step = new DataParallelStep(one, optimizer, loss);
                Assert.Equal([.. model.NonTrainableVariables, keys.Key], step.StateVariables);
                step.Synchronize(session);
                foreach (var (bx, by) in data) { step.Run(session, new Dictionary<Expr, Tensor> { [x] = bx, [y] = by }, 2 * Batch, 2 * Batch); }
                return [.. step.Variables.Concat(step.SlotVariables).Concat(step.StateVariables).Select(session.GetValue)];
            }
            var single = optimizer.Minimize(loss);
            foreach (var (bx, by) in data) { session.Run(single, (x, bx), (y, by)); }
            return [.. single.Variables.Concat(single.SlotVariables).Concat(model.NonTrainableVariables).Append(keys.Key).Select(session.GetValue)];
        }
        var (ranked, alone) = (Train(true), Train(false));
        Assert.Equal(alone.Length, ranked.Length);
        for (var i = 0; i < alone.Length; i++)
        {
            Assert.True(RelativeDifference(ranked[i], alone[i]) <= 1e-12, $"state {i}: relative difference {RelativeDifference(ranked[i], alone[i])}");
        }
        // Both moved: the running mean off its zeros, the key off its seed's.
        Assert.NotEqual(new double[5], ranked[^3].ToDoubleArray());
        Assert.NotEqual(RandomKeyValue(7).ToIntArray(), ranked[^1].ToIntArray());
    }

    [Fact]
    public void GradientsTravelInOneBucketPerDTypeOrInSeveralWhenTheyAreCapped()
    {
        var m = Build(5);
        using var one = new SingleProcessCollective();
        Assert.Equal(1, new DataParallelStep(one, new GradientDescentOptimizer(0.1), m.Loss).BucketCount);
        // Capped at 16 elements, no two neighbours fit together: the loss (1), hidden kernel (20, alone over the
        // cap), hidden bias (5), output kernel (15), output bias (3).
        Assert.Equal(5, new DataParallelStep(one, new GradientDescentOptimizer(0.1), m.Loss, 16).BucketCount);
    }

    [Fact]
    public void RanksWhoseModelsDifferFailBeforeTheFirstStepNamingTheVariableAndBothShapes()
    {
        var e = Assert.Throws<AggregateException>(() => ThreadCollective.Run(2, c =>
        {
            var m = Build(c.Rank == 0 ? 5 : 6);
            using var session = new Session(Backend.Reference);
            new DataParallelStep(c, new GradientDescentOptimizer(0.1), m.Loss).Synchronize(session);
            return 0;
        }));
        Assert.Equal(2, e.InnerExceptions.Count);
        foreach (var inner in e.InnerExceptions)
        {
            var d = Assert.IsType<DistributedException>(inner);
            Assert.True(d.RaisedOnEveryRank);
            Assert.Contains("variable 'hidden/kernel' has shape (4, 5) Float64 on rank 0 but (4, 6) Float64 on rank 1", d.Message);
        }
    }

    [Fact]
    public void SynchronizeCopiesRankZerosValuesToEveryRank()
    {
        var values = ThreadCollective.Run(2, c =>
        {
            var m = Build(5);
            using var session = new Session(Backend.Reference);
            session.Assign(m.Variables[1], Tensor.Filled(Shape.Of(5), DType.Float64, c.Rank + 3));
            new DataParallelStep(c, new GradientDescentOptimizer(0.1), m.Loss).Synchronize(session);
            return session.GetValue(m.Variables[1]);
        });
        Assert.All(values, v => Assert.Equal(Tensor.Filled(Shape.Of(5), DType.Float64, 3), v));
    }

    [Fact]
    public void ShardsCoverTheGlobalBatchInRankOrder()
    {
        var shards = Enumerable.Range(0, 3).Select(r => DataParallelStep.Shard(10, r, 3)).ToArray();
        Assert.Equal([(0, 3), (3, 3), (6, 4)], shards);
        Assert.Throws<FuncNetException>(() => DataParallelStep.Shard(10, 3, 3));
    }

    [Fact]
    public void ApplyGradientsRejectsAGradientOfAnotherShape()
    {
        var w = Expr.Variable("w", Tensor.Zeros(Shape.Of(3)));
        var g = Expr.Placeholder("g", Shape.Of(2), DType.Float64);
        var e = Assert.Throws<ShapeException>(() => new GradientDescentOptimizer(0.1).ApplyGradients(Expr.Constant(0.0), [w], [g]));
        Assert.Contains("the gradient of variable 'w' must have its shape (3,) Float64; given (2,) Float64", e.Message);
    }

    [Fact]
    public void SingleProcessCollectiveLeavesValuesAsTheyAre()
    {
        using var c = new SingleProcessCollective();
        double[] v = [1.5, -2];
        c.AllReduceMean(v.AsSpan());
        c.Broadcast(v.AsSpan(), 0);
        Assert.Equal([1.5, -2], v);
        Assert.Equal("hello", c.Broadcast("hello", 0));
        Assert.Throws<DistributedException>(() => c.Broadcast(v.AsSpan(), 1));
    }
}
