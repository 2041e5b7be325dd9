using FuncNet.Backends.Cuda;
using static FuncNet.Ops;

namespace FuncNet.Backends.Tests.Cuda;

/// <summary>
/// On a GPU only (they skip with the driver's reason elsewhere): live-buffer counters after runs, out of
/// memory as a FuncNetException without leaks, graph capture and replay, and the backend's selection by name.
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
}
