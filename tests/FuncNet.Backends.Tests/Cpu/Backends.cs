using FuncNet.Backends.Cpu;

namespace FuncNet.Backends.Tests.Cpu;

/// <summary>
/// The backends under test. MKL is required when FUNCNET_REQUIRE_MKL=1 (CI installs it); otherwise its
/// tests skip with a visible reason where it does not load. FUNCNET_DISABLE_MKL=1 simulates a machine without it.
/// "cuda" is the GPU backend: its tests skip with the driver's reason on machines without a GPU.
/// "openblas" is required when FUNCNET_REQUIRE_OPENBLAS=1 and skips visibly where OpenBLAS does not load.
/// </summary>
public static class Backends
{
    public static readonly IBackend Managed = CpuBackend.CreateManaged();

    private static readonly Lazy<IBackend?> MklBackend = new(() => CpuBackend.MklAvailable ? CpuBackend.CreateMkl() : null);

    private static readonly Lazy<IBackend?> OpenBlasBackend = new(() => OpenBlasLibrary.Load().Blas is null ? null : CpuBackend.CreateOpenBlas());

    public static bool MklRequired => Environment.GetEnvironmentVariable("FUNCNET_REQUIRE_MKL") == "1";

    public static bool OpenBlasRequired => Environment.GetEnvironmentVariable("FUNCNET_REQUIRE_OPENBLAS") == "1";

    /// <summary>Every backend that runs on this host (the oracle and the CPU ones), each with Float32 and Float64.</summary>
    public static TheoryData<string, DType> HostBackendsAndFloatTypes
    {
        get
        {
            var data = new TheoryData<string, DType>();
            foreach (var b in new[] { "reference", "managed", "mkl", "openblas" })
            {
                data.Add(b, DType.Float32);
                data.Add(b, DType.Float64);
            }
            return data;
        }
    }

    public static IBackend Get(string name)
    {
        if (name == "managed")
        {
            return Managed;
        }
        if (name == "openblas")
        {
            if (OpenBlasBackend.Value is { } openBlas)
            {
                return openBlas;
            }
            if (OpenBlasRequired)
            {
                Assert.Fail("FUNCNET_REQUIRE_OPENBLAS=1 but OpenBLAS did not load: " + OpenBlasLibrary.Load().Error);
            }
            Skip.If(true, "OpenBLAS is not installed here (run scripts/setup-native.sh); " + OpenBlasLibrary.Load().Error);
        }
        if (name == "cuda")
        {
            return FuncNet.Backends.Tests.Cuda.CudaEnvironment.RequireDevice();
        }
        if (MklBackend.Value is { } mkl)
        {
            return mkl;
        }
        if (MklRequired)
        {
            Assert.Fail("FUNCNET_REQUIRE_MKL=1 but MKL did not load: " + FuncNet.Backends.Cpu.Mkl.MklLibrary.Load().Error);
        }
        Skip.If(true, "Intel MKL is not installed here (run scripts/setup-native.sh); " + FuncNet.Backends.Cpu.Mkl.MklLibrary.Load().Error);
        throw new InvalidOperationException("unreachable");
    }

    public static TheoryData<string> Names => new("managed", "mkl", "cuda");
}
