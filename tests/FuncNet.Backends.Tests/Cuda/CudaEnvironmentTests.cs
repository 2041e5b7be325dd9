using FuncNet.Backends.Cuda;
using Xunit.Sdk;

namespace FuncNet.Backends.Tests.Cuda;

/// <summary>
/// FUNCNET_REQUIRE_GPU=1 must turn a GPU-only test's skip into a failure, so a device run that found no
/// device cannot pass by skipping. Checked on the helper every GPU-only test goes through.
/// </summary>
public class CudaEnvironmentTests
{
    [Fact]
    public void RequiringAGpuFailsInsteadOfSkippingWhereThereIsNone()
    {
        if (CudaBackend.IsAvailable)
        {
            Assert.NotNull(CudaEnvironment.RequireDevice(required: true));
            return;
        }
        var failure = Assert.Throws<FailException>(() => CudaEnvironment.RequireDevice(required: true));
        Assert.Contains("FUNCNET_REQUIRE_GPU=1", failure.Message);
        Assert.Contains(CudaBackend.Probe().Reason, failure.Message);
    }

    [Fact]
    public void WithoutTheSwitchAMissingGpuIsAVisibleSkip()
    {
        if (CudaBackend.IsAvailable)
        {
            Assert.NotNull(CudaEnvironment.RequireDevice(required: false));
            return;
        }
        var skip = Assert.Throws<Xunit.SkipException>(() => CudaEnvironment.RequireDevice(required: false));
        Assert.Contains("No CUDA device here", skip.Message);
    }
}
