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

    private sealed record NormModel(Expr X, Expr Y, Expr Loss, Sequential Layers);

    /// <summary>Dense → BatchNorm (momentum 0.3, so one step moves the running values visibly) → Tanh → Dense, Float64.</summary>
    private static NormModel BuildWithBatchNorm()
    {
        var x = Expr.Placeholder("x", Shape.Of(-1, 4), DType.Float64);
        var y = Expr.Placeholder("y", Shape.Of(-1, 3), DType.Float64);
        var model = new Sequential(
            new Dense(5, null, Initializers.GlorotUniform(1), Initializers.Zeros, "hidden"),
            new BatchNorm(0.3, Ops.DefaultNormEpsilon, "norm"),
            new Dense(3, Tanh, Initializers.GlorotUniform(2), Initializers.Zeros, "output"));
        var loss = Losses.CategoricalCrossEntropyFromLogits(y, model.Apply(x), Reduction.Mean);
        return new NormModel(x, y, loss, model);
    }

    private static Tensor[] RunningValues(Session session, Sequential model) => [.. model.NonTrainableVariables.Select(session.GetValue)];

    [Theory]
    [InlineData(2, 16)]
    [InlineData(3, 10)]
    public void BatchNormsRunningStatisticsAreTheRanksMeanWeightedByTheirShares(int ranks, int globalRows)
    {
        // The oracle: each shard trained alone for one step by the plain single-process step from the same
        // weights; the data-parallel step must hold the shard-weighted mean of those running values.
        var alone = Enumerable.Range(0, ranks).Select(r =>
        {
            var m = BuildWithBatchNorm();
            var step = new GradientDescentOptimizer(0.5).Minimize(m.Loss);
            using var session = new Session(Backend.Reference);
            var (start, count) = DataParallelStep.Shard(globalRows, r, ranks);
            var (x, y) = Data(0, start, count);
            session.Run(step, (m.X, x), (m.Y, y));
            return (Share: (double)count / globalRows, Running: RunningValues(session, m.Layers));
        }).ToArray();
        var parallel = ThreadCollective.Run(ranks, c =>
        {
            var m = BuildWithBatchNorm();
            var step = new DataParallelStep(c, new GradientDescentOptimizer(0.5), m.Loss);
            Assert.Equal(m.Layers.NonTrainableVariables, step.StateVariables);
            using var session = new Session(Backend.Reference);
            step.Synchronize(session);
            var (start, count) = DataParallelStep.Shard(globalRows, c.Rank, c.Size);
            var (x, y) = Data(0, start, count);
            step.Run(session, new Dictionary<Expr, Tensor> { [m.X] = x, [m.Y] = y }, count, globalRows);
            return RunningValues(session, m.Layers);
        });
        for (var i = 0; i < 2; i++)
        {
            var expected = alone.Select(a => a.Running[i].ToDoubleArray().Select(v => v * a.Share).ToArray())
                .Aggregate((a, b) => a.Zip(b, (p, q) => p + q).ToArray());
            foreach (var rank in parallel)
            {
                Assert.Equal(parallel[0][i].ToDoubleArray().Select(BitConverter.DoubleToInt64Bits), rank[i].ToDoubleArray().Select(BitConverter.DoubleToInt64Bits));
            }
            var actual = parallel[0][i].ToDoubleArray();
            Assert.True(actual.Zip(expected).All(p => Math.Abs(p.First - p.Second) <= 1e-12 * Math.Max(1, Math.Abs(p.Second))),
                $"running statistic {i}: [{string.Join(", ", actual)}] vs the shard-weighted mean [{string.Join(", ", expected)}]");
            // The ranks' own values differ, so the mean is not one rank's value passed through.
            Assert.True(alone[0].Running[i].MaxAbsDifference(alone[1].Running[i]) > 1e-6);
        }
    }

    [Fact]
    public void BatchNormsRunningStatisticsMoveEveryStepAndStayBitwiseEqualOnEveryRank()
    {
        var ranks = ThreadCollective.Run(2, c =>
        {
            var m = BuildWithBatchNorm();
            var step = new DataParallelStep(c, new AdamOptimizer(0.01), m.Loss);
            using var session = new Session(Backend.Reference);
            // Rank 1 starts from other running values; Synchronize replaces them by rank 0's.
            if (c.Rank == 1) { session.Assign(step.StateVariables[0], Tensor.Filled(Shape.Of(5), DType.Float64, 7)); }
            step.Synchronize(session);
            var history = new List<Tensor[]>();
            for (var k = 0; k < 5; k++)
            {
                var (start, count) = DataParallelStep.Shard(2 * Batch, c.Rank, c.Size);
                var (x, y) = Data(k, start, count);
                step.Run(session, new Dictionary<Expr, Tensor> { [m.X] = x, [m.Y] = y }, count, 2 * Batch);
                history.Add(RunningValues(session, m.Layers));
            }
            return (History: history, All: step.Variables.Concat(step.SlotVariables).Concat(step.StateVariables).Select(session.GetValue).ToArray());
        });
        for (var i = 0; i < ranks[0].All.Length; i++)
        {
            Assert.Equal(ranks[0].All[i].ToDoubleArray().Select(BitConverter.DoubleToInt64Bits), ranks[1].All[i].ToDoubleArray().Select(BitConverter.DoubleToInt64Bits));
        }
        var before = Tensor.Zeros(Shape.Of(5));
        foreach (var running in ranks[0].History)
        {
            Assert.True(running[0].MaxAbsDifference(before) > 1e-6, "the running mean did not change in a step");
            before = running[0];
        }
    }

    [Fact]
    public void DropoutKeysAdvanceEachStepAsInOneProcess()
    {
        // Dropout's mask needs the batch size when the graph is built: the rows of a shard, or of the whole batch.
        (Expr X, Expr Y, Expr Loss, Expr Key) BuildWithDropout(int rows)
        {
            var x = Expr.Placeholder("x", Shape.Of(rows, 4), DType.Float64);
            var y = Expr.Placeholder("y", Shape.Of(rows, 3), DType.Float64);
            var keys = new RandomKeyStream("dropout/key", 5);
            var model = new Sequential(
                new Dense(5, Tanh, Initializers.GlorotUniform(1), Initializers.Zeros, "hidden"),
                new Dropout(0.5, keys),
                new Dense(3, null, Initializers.GlorotUniform(2), Initializers.Zeros, "output"));
            return (x, y, Losses.CategoricalCrossEntropyFromLogits(y, model.Apply(x), Reduction.Mean), keys.Key);
        }
        const int Steps = 3;
        var single = BuildWithDropout(2 * Batch);
        var plain = new GradientDescentOptimizer(0.5).Minimize(single.Loss);
        using var reference = new Session(Backend.Reference);
        for (var k = 0; k < Steps; k++)
        {
            var (x, y) = Data(k, 0, 2 * Batch);
            reference.Run(plain, (single.X, x), (single.Y, y));
        }
        var keys = ThreadCollective.Run(2, c =>
        {
            var m = BuildWithDropout(Batch);
            var step = new DataParallelStep(c, new GradientDescentOptimizer(0.5), m.Loss);
            using var session = new Session(Backend.Reference);
            step.Synchronize(session);
            var seen = new List<Tensor> { session.GetValue(m.Key) };
            for (var k = 0; k < Steps; k++)
            {
                var (start, count) = DataParallelStep.Shard(2 * Batch, c.Rank, c.Size);
                var (x, y) = Data(k, start, count);
                step.Run(session, new Dictionary<Expr, Tensor> { [m.X] = x, [m.Y] = y }, count, 2 * Batch);
                seen.Add(session.GetValue(m.Key));
            }
            return seen;
        });
        Assert.Equal(reference.GetValue(single.Key), keys[0][^1]);
        Assert.Equal(keys[0], keys[1]);
        // A new key every step: no mask repeats.
        Assert.Equal(Steps + 1, keys[0].Select(k => string.Join(",", k.ToIntArray())).Distinct().Count());
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
