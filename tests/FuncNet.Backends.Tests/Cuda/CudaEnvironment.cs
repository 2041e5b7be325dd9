using FuncNet.Backends.Cuda;
using FuncNet.Backends.Cuda.Native;

namespace FuncNet.Backends.Tests.Cuda;

/// <summary>
/// What the CUDA tests need. NVRTC is required when FUNCNET_REQUIRE_NVRTC=1 (CI installs it, so a
/// code-generation error can never pass as a skip there); otherwise its tests skip with the reason. Tests
/// that need a GPU skip with the driver's reason on machines without one.
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

    /// <summary>The GPU backend, or a visible skip naming why there is none.</summary>
    public static CudaBackend RequireDevice()
    {
        if (Device.Value is { } backend) { return backend; }
        Skip.If(true, "No CUDA device here: " + CudaBackend.Probe().Reason);
        throw new InvalidOperationException("unreachable");
    }
}
