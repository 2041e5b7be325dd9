using FuncNet.Layers;
using FuncNet.Tests.Support;
using static FuncNet.Ops;

namespace FuncNet.Tests.Compilation;

/// <summary>
/// Plan-level graph capture against <see cref="RecordingBackend"/>, a host-memory stand-in for CUDA graphs
/// that bakes in the tensors each recorded launch touches: recorded and replayed training must equal eager
/// training bit for bit, recordings must be made once and redone exactly when the storage they baked in
/// changes, and every case that cannot be recorded must run eagerly and say why.
/// </summary>
public class GraphCaptureTests
{
    private sealed record Model(Expr X, Expr Y, Expr Loss, TrainingStep Step, Expr[] Variables);

    private static Model Mlp()
    {
        var x = Expr.Placeholder("x", Shape.Of(-1, 4));
        var y = Expr.Placeholder("y", Shape.Of(-1, 3));
        var hidden = new Dense(8, Relu, seed: 1);
        var output = new Dense(3, seed: 2);
        var loss = ReduceMean(SoftmaxCrossEntropyWithLogits(y, output.Apply(hidden.Apply(x))));
        var step = new AdamOptimizer(0.05).Minimize(loss);
        return new Model(x, y, loss, step, [.. hidden.Variables, .. output.Variables]);
    }

    private static (Expr, Tensor)[] Batch(Model m, int seed, int rows = 5)
    {
        var rng = new Random(seed);
        var x = new double[rows, 4];
        var y = new double[rows, 3];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < 4; c++) { x[r, c] = rng.NextDouble() * 2 - 1; }
            y[r, rng.Next(3)] = 1;
        }
        return [(m.X, Tensor.FromArray(x)), (m.Y, Tensor.FromArray(y))];
    }

    /// <summary>The same training on two recording backends, one session replaying and one eager (CaptureGraphs off).</summary>
    private sealed class Twins : IDisposable
    {
        public RecordingBackend Recording { get; } = new();
        public RecordingBackend Eager { get; } = new();
        public Session Replayed { get; }
        public Session Plain { get; }

        public Twins()
        {
            Replayed = new Session(Recording);
            Plain = new Session(Eager) { CaptureGraphs = false };
        }

        public void Deconstruct(out RecordingBackend recording, out Session replayed, out Session plain) =>
            (recording, replayed, plain) = (Recording, Replayed, Plain);

        public void AssertSameValues(IEnumerable<Expr> variables)
        {
            foreach (var v in variables) { Assert.Equal(Plain.GetValue(v).ToArray<double>(), Replayed.GetValue(v).ToArray<double>()); }
        }

        public void Dispose()
        {
            Replayed.Dispose();
            Plain.Dispose();
        }
    }

    private static double[] Train(Session session, Model m, int steps, int rows = 5) =>
        Enumerable.Range(0, steps).Select(i => session.Run(m.Step, Batch(m, i, rows)).ToScalar()).ToArray();

    [Fact]
    public void ATrainingStepIsRecordedOnceAndReplayedWithTheSameResultsAsEagerRuns()
    {
        var m = Mlp();
        using var twins = new Twins();
        var (recording, replayed, plain) = twins;

        var replayedLosses = Train(replayed, m, 10);
        var plainLosses = Train(plain, m, 10);

        Assert.Equal(plainLosses, replayedLosses);
        twins.AssertSameValues(m.Variables);
        Assert.True(plainLosses[^1] < plainLosses[0], "the model should learn");
        // Run 1 is the eager warm-up, run 2 is recorded and replayed, runs 3-10 replay.
        Assert.Equal(1, recording.Captures);
        Assert.Equal(9, recording.Replays);
        Assert.Equal(0, twins.Eager.Captures);
        Assert.Equal(0, twins.Eager.Replays);
    }

    [Fact]
    public void APlanSaysWhyARunWasNotReplayedAndNullWhenItWas()
    {
        var m = Mlp();
        using var backend = new RecordingBackend();
        using var plan = m.Step.Build(backend);
        using var store = new VariableStore(backend);
        var feeds = Batch(m, 0).ToDictionary(p => p.Item1, p => p.Item2);

        plan.Run(feeds, store);
        Assert.False(plan.LastRunReplayed);
        Assert.Contains("warm-up", plan.GraphFallbackReason);
        plan.Run(feeds, store);
        Assert.True(plan.LastRunReplayed);
        Assert.Null(plan.GraphFallbackReason);
        Assert.Equal(1, plan.GraphCaptures);
        Assert.True(plan.LastRunKernelCount > 0);

        plan.CaptureGraphs = false;
        plan.Run(feeds, store);
        Assert.False(plan.LastRunReplayed);
        Assert.Contains("CaptureGraphs", plan.GraphFallbackReason);

        using var reference = m.Step.Build(ReferenceBackend.Instance);
        reference.Run(feeds);
        Assert.Contains("does not capture", reference.GraphFallbackReason);
    }

    [Fact]
    public void ReplacingTheStoredValuesOrTheStoreRecordsAgainAndNeverReplaysAStaleRecording()
    {
        var m = Mlp();
        using var twins = new Twins();
        var (recording, replayed, plain) = twins;
        Train(replayed, m, 3);
        Train(plain, m, 3);
        Assert.Equal(1, recording.Captures);

        // Assign replaces the stored tensor (and releases the old one, which the recording baked in).
        var w = m.Variables[0];
        var fresh = Tensor.FromSpan(w.Shape, Enumerable.Range(0, w.Shape.Size).Select(i => Math.Sin(i)).ToArray(), DType.Float64);
        replayed.Assign(w, fresh);
        plain.Assign(w, fresh);
        Assert.Equal(Train(plain, m, 3), Train(replayed, m, 3));
        Assert.Equal(2, recording.Captures);

        replayed.ResetVariables();
        plain.ResetVariables();
        Assert.Equal(Train(plain, m, 3), Train(replayed, m, 3));
        Assert.Equal(3, recording.Captures);
    }

    [Fact]
    public void EachShapeSpecializationHasItsOwnRecording()
    {
        var m = Mlp();
        using var twins = new Twins();
        var (recording, replayed, plain) = twins;
        for (var i = 0; i < 4; i++)
        {
            foreach (var rows in new[] { 5, 2 })
            {
                Assert.Equal(plain.Run(m.Step, Batch(m, i, rows)).ToScalar(), replayed.Run(m.Step, Batch(m, i, rows)).ToScalar());
            }
        }
        Assert.Equal(2, recording.Captures);
        Assert.Equal(6, recording.Replays);
    }

    [Fact]
    public void FeedingAVariableOrCheckingNumericsRunsEagerlyAndCorrectly()
    {
        var m = Mlp();
        using var twins = new Twins();
        var (recording, replayed, plain) = twins;
        Train(replayed, m, 3);
        Train(plain, m, 3);

        var w = m.Variables[0];
        var value = Tensor.FromSpan(w.Shape, Enumerable.Range(0, w.Shape.Size).Select(i => Math.Cos(i)).ToArray(), DType.Float64);
        (Expr, Tensor)[] feeds = [.. Batch(m, 7), (w, value)];
        var runs = recording.Replays;
        Assert.Equal(plain.Run(m.Step, feeds).ToScalar(), replayed.Run(m.Step, feeds).ToScalar());
        Assert.Equal(runs, recording.Replays);

        replayed.CheckNumerics = plain.CheckNumerics = true;
        Assert.Equal(Train(plain, m, 2), Train(replayed, m, 2));
        Assert.Equal(runs, recording.Replays);

        replayed.CheckNumerics = plain.CheckNumerics = false;
        Assert.Equal(Train(plain, m, 3), Train(replayed, m, 3));
        Assert.True(recording.Replays > runs);
        twins.AssertSameValues(m.Variables);
    }

    [Fact]
    public void APlanWithAKernelThatCannotBeRecordedRunsEagerlyAndNamesIt()
    {
        var m = Mlp();
        using var recording = new RecordingBackend();
        recording.HostOps.Add("MatMul");
        using var plan = m.Step.Build(recording);
        using var store = new VariableStore(recording);
        var feeds = Batch(m, 0).ToDictionary(p => p.Item1, p => p.Item2);
        for (var i = 0; i < 3; i++) { plan.Run(feeds, store); }
        Assert.Equal(0, recording.Captures);
        Assert.Contains("MatMul", plan.GraphFallbackReason);
        Assert.False(plan.LastRunReplayed);
    }

    [Fact]
    public void ARefusedRecordingBlocksTheArenaAndTheStepStillRuns()
    {
        var m = Mlp();
        using var twins = new Twins();
        var (recording, replayed, plain) = twins;
        recording.FailNextCapture = true;
        Assert.Equal(Train(plain, m, 4), Train(replayed, m, 4));
        Assert.Equal(0, recording.Captures);
        Assert.Equal(0, recording.Replays);
        twins.AssertSameValues(m.Variables);
    }

    [Fact]
    public void AnOutputThatIsAnAssignedVariableKeepsItsValueBeforeTheUpdate()
    {
        // Recorded assignments write the variable's storage in place, so fetching the variable itself would
        // see the new value: such plans must stay eager.
        var w = Expr.Variable("w", 2.0);
        var v = Expr.Variable("v", 5.0);
        using var recording = new RecordingBackend();
        using var plan = Plan.Compile([w, v], [KeyValuePair.Create(w, w * 3.0), KeyValuePair.Create(v, w)], recording);
        using var store = new VariableStore(recording);
        var seen = Enumerable.Range(0, 4).Select(_ => plan.Run(null, store)).Select(r => (r[0].ToScalar(), r[1].ToScalar())).ToArray();
        Assert.Equal([(2.0, 5.0), (6.0, 2.0), (18.0, 6.0), (54.0, 18.0)], seen);
        Assert.Equal(0, recording.Captures);
        Assert.Contains("'w'", plan.GraphFallbackReason);
    }

    [Fact]
    public void DisposingAPlanReleasesItsRecordingsAndItsStorage()
    {
        var m = Mlp();
        using var recording = new RecordingBackend();
        var before = recording.LiveTensors;
        using (var store = new VariableStore(recording))
        {
            using var plan = m.Step.Build(recording);
            var feeds = Batch(m, 0).ToDictionary(p => p.Item1, p => p.Item2);
            for (var i = 0; i < 4; i++) { plan.Run(feeds, store); }
            Assert.Equal(1, recording.LiveRecordings);
        }
        Assert.Equal(0, recording.LiveRecordings);
        Assert.Equal(before, recording.LiveTensors);
    }
}
