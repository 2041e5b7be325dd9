using FuncNet.Layers;
using FuncNet.Tests.Support;
using static FuncNet.Ops;

namespace FuncNet.Tests.Compilation;

/// <summary><see cref="Plan.Execute"/>: running on values already on the backend, fetching nothing.</summary>
public class DeviceFeedTests
{
    private static (Expr X, Expr Y, Plan Plan, Expr[] Variables) Model(IBackend backend)
    {
        var x = Expr.Placeholder("x", Shape.Of(-1, 3));
        var y = Expr.Placeholder("y", Shape.Of(-1, 2));
        var layer = new Dense(2, seed: 4);
        var loss = ReduceMean(SoftmaxCrossEntropyWithLogits(y, layer.Apply(x)));
        var plan = new GradientDescentOptimizer(0.5).Minimize(loss).Build(backend);
        return (x, y, plan, [.. layer.Variables]);
    }

    private static (Tensor X, Tensor Y) Batch(int seed)
    {
        var rng = new Random(seed);
        var x = new double[4, 3];
        var y = new double[4, 2];
        for (var r = 0; r < 4; r++)
        {
            for (var c = 0; c < 3; c++) { x[r, c] = rng.NextDouble() - 0.5; }
            y[r, rng.Next(2)] = 1;
        }
        return (Tensor.FromArray(x), Tensor.FromArray(y));
    }

    [Fact]
    public void ExecutingOnUploadedBatchesTrainsExactlyLikeRunningOnHostBatches()
    {
        IBackend backend = ReferenceBackend.Instance;
        var (x, y, hostPlan, variables) = Model(backend);
        using var _ = hostPlan;
        using var devicePlan = new GradientDescentOptimizer(0.5).Minimize(hostPlan.SourceOutputs[0]).Build(backend);
        using var hostStore = new VariableStore(backend);
        using var deviceStore = new VariableStore(backend);
        var batches = Enumerable.Range(0, 3).Select(Batch).ToArray();
        var uploaded = batches.Select(b => (X: backend.Upload(b.X), Y: backend.Upload(b.Y))).ToArray();
        for (var step = 0; step < 6; step++)
        {
            var (hx, hy) = batches[step % 3];
            hostPlan.Run(new Dictionary<Expr, Tensor> { [x] = hx, [y] = hy }, hostStore);
            var (dx, dy) = uploaded[step % 3];
            devicePlan.Execute(new Dictionary<Expr, DeviceTensor> { [x] = dx, [y] = dy }, deviceStore);
        }
        backend.Synchronize();
        foreach (var v in variables) { Assert.Equal(hostStore.Get(v).ToArray<double>(), deviceStore.Get(v).ToArray<double>()); }
        Assert.NotEqual(variables[0].InitialValue.ToArray<double>(), deviceStore.Get(variables[0]).ToArray<double>());
        // The fed values are read, never written.
        Assert.Equal(batches[0].X.ToArray<double>(), backend.Download(uploaded[0].X).ToArray<double>());
        foreach (var (dx, dy) in uploaded) { dx.Dispose(); dy.Dispose(); }
    }

    [Fact]
    public void ARecordedRunStaysValidWhateverDeviceValuesAreFed()
    {
        using var recording = new RecordingBackend();
        using var eager = new RecordingBackend();
        IBackend backend = recording;
        var (x, y, plan, variables) = Model(backend);
        var (ex, ey, eagerPlan, _) = Model(eager);
        using var __ = plan;
        using var ___ = eagerPlan;
        eagerPlan.CaptureGraphs = false;
        using var store = new VariableStore(backend);
        using var eagerStore = new VariableStore(eager);
        for (var step = 0; step < 5; step++)
        {
            var (hx, hy) = Batch(step);
            // A new device value every step: the plan copies it into its own buffer, so the recording holds.
            using var dx = backend.Upload(hx);
            using var dy = backend.Upload(hy);
            plan.Execute(new Dictionary<Expr, DeviceTensor> { [x] = dx, [y] = dy }, store);
            eagerPlan.Run(new Dictionary<Expr, Tensor> { [ex] = hx, [ey] = hy }, eagerStore);
        }
        Assert.Equal(1, recording.Captures);
        Assert.Equal(4, recording.Replays);
        Assert.Equal(eagerStore.Get(eagerPlan.Variables[0]).ToArray<double>(), store.Get(plan.Variables[0]).ToArray<double>());
        Assert.Equal(2, variables.Length);
    }

    [Fact]
    public void AForeignDisposedOrMisshapenDeviceValueIsRejectedByName()
    {
        IBackend backend = ReferenceBackend.Instance;
        var (x, y, plan, _) = Model(backend);
        using var _ = plan;
        using var store = new VariableStore(backend);
        var (hx, hy) = Batch(0);
        using var dy = backend.Upload(hy);

        using var foreign = new ForeignTensor(hx.Shape);
        var error = Assert.Throws<FuncNetException>(() => plan.Execute(new Dictionary<Expr, DeviceTensor> { [x] = foreign, [y] = dy }, store));
        Assert.Contains("same backend", error.Message);

        var disposed = backend.Upload(hx);
        disposed.Dispose();
        error = Assert.Throws<FuncNetException>(() => plan.Execute(new Dictionary<Expr, DeviceTensor> { [x] = disposed, [y] = dy }, store));
        Assert.Contains("disposed", error.Message);

        using var wrong = backend.Upload(Tensor.Zeros(Shape.Of(4, 5)));
        var shape = Assert.Throws<ShapeException>(() => plan.Execute(new Dictionary<Expr, DeviceTensor> { [x] = wrong, [y] = dy }, store));
        Assert.Contains("'x'", shape.Message);

        Assert.Throws<MissingFeedException>(() => plan.Execute(new Dictionary<Expr, DeviceTensor> { [y] = dy }, store));
    }

    [Fact]
    public void ADeviceValueFedForAVariableIsReadForThatRunOnly()
    {
        IBackend backend = ReferenceBackend.Instance;
        var w = Expr.Variable("w", 2.0);
        var x = Expr.Placeholder("x");
        using var plan = Plan.Compile([w * x], [KeyValuePair.Create(w, w + 1.0)], backend);
        using var store = new VariableStore(backend);
        using var fed = backend.Upload(Tensor.Scalar(10.0));
        using var three = backend.Upload(Tensor.Scalar(3.0));
        plan.Execute(new Dictionary<Expr, DeviceTensor> { [x] = three, [w] = fed }, store);
        // The assignment is computed from the fed value; the fed tensor itself is untouched.
        Assert.Equal(11.0, store.Get(w).ToScalar());
        Assert.Equal(10.0, backend.Download(fed).ToScalar());
        Assert.Equal(33.0, plan.Run(new Dictionary<Expr, Tensor> { [x] = Tensor.Scalar(3.0) }, store)[0].ToScalar());
    }

    private sealed class ForeignTensor(Shape shape) : DeviceTensor(shape, DType.Float64)
    {
        protected override void Release() { }
    }
}
