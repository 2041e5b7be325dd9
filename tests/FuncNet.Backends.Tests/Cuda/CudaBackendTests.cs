using FuncNet.Backends.Cuda;
using static FuncNet.Ops;

namespace FuncNet.Backends.Tests.Cuda;

/// <summary>
/// On a GPU only (they skip with the driver's reason elsewhere): live-buffer counters after runs, out of
/// memory as a FuncNetException without leaks, graph capture and replay (what can be captured, what a
/// capture refuses, other threads' work during a capture), and the backend's selection by name.
/// The conformance suite itself runs on "cuda" in <see cref="Cpu.ConformanceTests"/>.
/// </summary>
public class CudaBackendTests
{
    [Fact]
    public void WithoutADeviceTheProbeSaysWhy()
    {
        var (available, reason) = CudaBackend.Probe();
        Assert.True(available || reason.Length > 0);
        if (!available) { Assert.Throws<BackendUnavailableException>(() => CudaBackend.Create()); }
    }

    [Fact]
    public void AutoNeverPicksTheGpuUnlessAsked()
    {
        Assert.Contains("cuda", BackendSelector.Names);
        if (Environment.GetEnvironmentVariable("FUNCNET_BACKEND") is null) { Assert.NotEqual("cuda", BackendSelector.Auto().Name); }
    }

    [SkippableFact]
    public void RepeatedRunsKeepLiveBuffersAndBytesConstant()
    {
        var backend = CudaEnvironment.RequireDevice();
        var x = Expr.Placeholder("x", Shape.Of(64, 32), DType.Float32);
        var y = ReduceSum(Softmax(Sigmoid(MatMul(x, x, false, true))) * 2.0f);
        var feeds = new Dictionary<Expr, Tensor> { [x] = Tensor.FromSpan(x.Shape, Enumerable.Range(0, 64 * 32).Select(i => Math.Sin(i)).ToArray(), DType.Float32) };
        long tensors, buffers, bytes;
        using (var plan = Plan.Compile([y, Gradient(y, x)], backend))
        {
            plan.Run(feeds);
            (tensors, buffers, bytes) = (backend.LiveTensors, backend.LiveBuffers, backend.LiveBytes);
            for (var i = 0; i < 10; i++) { plan.Run(feeds); }
            Assert.Equal((tensors, buffers, bytes), (backend.LiveTensors, backend.LiveBuffers, backend.LiveBytes));
        }
        Assert.True(backend.LiveBuffers < buffers || buffers == 0);
    }

    [SkippableFact]
    public void OutOfMemoryIsAFuncNetExceptionAndLeaksNothing()
    {
        var backend = CudaEnvironment.RequireDevice();
        var before = (backend.LiveTensors, backend.LiveBuffers);
        var held = new List<DeviceTensor>();
        try
        {
            var e = Assert.ThrowsAny<FuncNetException>(() =>
            {
                for (var i = 0; i < 1000; i++) { held.Add(backend.Allocate(Shape.Of(1 << 30), DType.Float64)); } // 8 GiB each
            });
            Assert.Contains("out of memory", e.Message);
        }
        finally
        {
            foreach (var t in held) { t.Dispose(); }
            backend.TrimCache();
        }
        Assert.Equal(before, (backend.LiveTensors, backend.LiveBuffers));
    }

    [SkippableFact]
    public void ACapturedGraphReplaysTheSameKernels()
    {
        var backend = CudaEnvironment.RequireDevice();
        var x = Expr.Placeholder("x", Shape.Of(1000), DType.Float32);
        var node = Sigmoid(x);
        var input = ((IBackend)backend).Upload(Tensor.FromSpan(x.Shape, Enumerable.Range(0, 1000).Select(i => i / 100.0 - 5).ToArray(), DType.Float32));
        using var output = backend.Allocate(x.Shape, DType.Float32);
        using var _ = input;
        var kernel = backend.Prepare(node, [x.Shape], x.Shape, DType.Float32);
        using var graph = backend.Capture(() => kernel.Run([input], output));
        graph.Launch();
        var expected = Ops.Eval([node], new Dictionary<Expr, Tensor> { [x] = backend.Download(input) })[0];
        Assert.True(backend.Download(output).AllClose(expected, 1e-6, 1e-6));
        Assert.Equal(1, graph.Launches);
    }

    [SkippableFact]
    public void OnlyTheHostFallbackCannotBeCaptured()
    {
        var backend = CudaEnvironment.RequireDevice();
        var x = Expr.Placeholder("x", Shape.Of(8, 16), DType.Float32);
        var w = Expr.Placeholder("w", Shape.Of(16, 4), DType.Float32);
        IGraphCapture capture = backend;
        Assert.True(capture.CanCapture(backend.Prepare(Sigmoid(x), [x.Shape], x.Shape, DType.Float32)));
        var product = MatMul(x, w);
        Assert.True(capture.CanCapture(backend.Prepare(product, [x.Shape, w.Shape], product.Shape, DType.Float32)));
        var argmax = ArgMax(x);
        Assert.False(capture.CanCapture(backend.Prepare(argmax, [x.Shape], argmax.Shape, argmax.DType)));
        Assert.False(capture.CanCapture(Backend.Reference.Prepare(Sigmoid(x), [x.Shape], x.Shape, DType.Float32)));
    }

    [SkippableFact]
    public void ACaptureThatReachesTheHostIsRefusedAndTheBackendStaysUsable()
    {
        var backend = CudaEnvironment.RequireDevice();
        var x = Expr.Placeholder("x", Shape.Of(4, 5), DType.Float32);
        var argmax = ArgMax(x);
        var host = Tensor.FromSpan(x.Shape, Enumerable.Range(0, 20).Select(i => Math.Cos(i)).ToArray(), DType.Float32);
        using var input = ((IBackend)backend).Upload(host);
        using var output = backend.Allocate(argmax.Shape, argmax.DType);
        var fallback = backend.Prepare(argmax, [x.Shape], argmax.Shape, argmax.DType);

        Assert.ThrowsAny<FuncNetException>(() => ((IGraphCapture)backend).Capture(() => fallback.Run([input], output)));
        Assert.ThrowsAny<FuncNetException>(() => backend.Capture(() => backend.CopyIn(host, input)));
        Assert.ThrowsAny<FuncNetException>(() => backend.Capture(() => backend.Download(input)));

        fallback.Run([input], output); // eagerly it works, and the stream is out of capture mode
        Assert.Equal(Ops.Eval([argmax], new Dictionary<Expr, Tensor> { [x] = host })[0].ToArray<int>(), backend.Download(output).ToArray<int>());
    }

    [SkippableFact]
    public void ACapturedWorkReplaysWithNewInputsCopiedIntoTheSameTensors()
    {
        var backend = CudaEnvironment.RequireDevice();
        var x = Expr.Placeholder("x", Shape.Of(257), DType.Float32);
        var node = Exp(x) * 2.0f;
        var kernel = backend.Prepare(node, [x.Shape], x.Shape, DType.Float32);
        using var input = backend.Allocate(x.Shape, DType.Float32);
        using var output = backend.Allocate(x.Shape, DType.Float32);
        using ICapturedWork work = ((IGraphCapture)backend).Capture(() => kernel.Run([input], output));
        for (var step = 0; step < 5; step++)
        {
            var host = Tensor.FromSpan(x.Shape, Enumerable.Range(0, 257).Select(i => Math.Sin(i + step)).ToArray(), DType.Float32);
            backend.CopyIn(host, input);
            work.Replay();
            var expected = Ops.Eval([node], new Dictionary<Expr, Tensor> { [x] = host })[0];
            Assert.True(backend.Download(output).AllClose(expected, 1e-6, 1e-6), $"replay {step}");
        }
    }

    [SkippableFact]
    public void WorkOnOtherThreadsDuringACaptureRunsInsteadOfBeingRecorded()
    {
        var backend = CudaEnvironment.RequireDevice();
        var x = Expr.Placeholder("x", Shape.Of(64, 64), DType.Float32);
        var y = ReduceSum(Sigmoid(MatMul(x, x)));
        var feeds = new Dictionary<Expr, Tensor> { [x] = Tensor.FromSpan(x.Shape, Enumerable.Range(0, 4096).Select(i => Math.Sin(i) / 8).ToArray(), DType.Float32) };
        var expected = Ops.Eval([y], feeds)[0].ToScalar();
        using var plan = Plan.Compile([y], backend);
        var node = Tanh(x);
        var kernel = backend.Prepare(node, [x.Shape], x.Shape, DType.Float32);
        using var input = ((IBackend)backend).Upload(feeds[x]);
        using var output = backend.Allocate(x.Shape, DType.Float32);
        plan.Run(feeds); // compiled and allocated before the captures start
        using var stop = new CancellationTokenSource();
        var runs = 0;
        var runner = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var value = plan.Run(feeds)[0].ToScalar();
                Assert.True(Math.Abs(value - expected) <= 1e-3 * Math.Abs(expected), $"run {runs}: {value} vs {expected}");
                runs++;
            }
        });
        for (var i = 0; i < 50; i++)
        {
            using var graph = backend.Capture(() => kernel.Run([input], output));
            graph.Launch();
            Assert.True(backend.Download(output).AllClose(Ops.Eval([node], feeds)[0], 1e-6, 1e-6), $"capture {i}");
        }
        stop.Cancel();
        runner.GetAwaiter().GetResult();
        Assert.True(runs > 0);
    }
}
