using FuncNet.Backends.Cuda;
using FuncNet.Backends.Cuda.Native;

namespace FuncNet.Backends.Tests.Cuda;

/// <summary>
/// What the CUDA tests need. NVRTC is required when FUNCNET_REQUIRE_NVRTC=1 (CI installs it, so a
/// code-generation error can never pass as a skip there); otherwise its tests skip with the reason. Tests
/// that need a GPU skip with the driver's reason on machines without one, unless FUNCNET_REQUIRE_GPU=1
/// (set on a device machine) makes that a failure, so a GPU run cannot pass by skipping everything.
/// </summary>
public static class CudaEnvironment
{
    private static readonly Lazy<CudaBackend?> Device = new(() => CudaBackend.IsAvailable ? CudaBackend.Create(new CudaOptions { CacheDirectory = "" }) : null);

    /// <summary>True when CI demands NVRTC.</summary>
    public static bool NvrtcRequired => Environment.GetEnvironmentVariable("FUNCNET_REQUIRE_NVRTC") == "1";

    internal static Nvrtc RequireNvrtc()
    {
        var (nvrtc, error) = Nvrtc.Load();
        if (nvrtc is not null) { return nvrtc; }
        if (NvrtcRequired) { Assert.Fail("FUNCNET_REQUIRE_NVRTC=1 but NVRTC did not load: " + error); }
        Skip.If(true, "NVRTC is not installed here (run scripts/setup-native.sh): " + error);
        throw new InvalidOperationException("unreachable");
    }

    /// <summary>True when the run demands a GPU (FUNCNET_REQUIRE_GPU=1).</summary>
    public static bool GpuRequired => Environment.GetEnvironmentVariable("FUNCNET_REQUIRE_GPU") == "1";

    /// <summary>The GPU backend, or a visible skip naming why there is none (a failure under FUNCNET_REQUIRE_GPU=1).</summary>
    public static CudaBackend RequireDevice() => RequireDevice(GpuRequired);

    /// <summary>The GPU backend; without one, a failure when <paramref name="required"/>, else a visible skip.</summary>
    internal static CudaBackend RequireDevice(bool required)
    {
        if (Device.Value is { } backend) { return backend; }
        var reason = CudaBackend.Probe().Reason;
        if (required) { Assert.Fail("FUNCNET_REQUIRE_GPU=1 but no CUDA device is usable: " + reason); }
        Skip.If(true, "No CUDA device here (FUNCNET_REQUIRE_GPU=1 makes this a failure): " + reason);
        throw new InvalidOperationException("unreachable");
    }
}
