using System.Runtime.InteropServices;

namespace FuncNet.Backends.Cpu.Mkl;

/// <summary>
/// The few Intel MKL entry points FuncNet uses, bound at run time from <c>libmkl_rt.so</c> (Debian's
/// non-free <c>libmkl-rt</c>, installed by scripts/setup-native.sh): single and double GEMM in CBLAS
/// form, and thread control. Loading is attempted once; when it fails, <see cref="Load"/> reports every
/// path tried.
/// </summary>
internal sealed unsafe class MklLibrary
{
    private static readonly Lazy<(MklLibrary? Library, string Error)> Loaded = new(TryLoad);

    private readonly delegate* unmanaged[Cdecl]<int, int> _cbwr;

    private MklLibrary(nint handle, string path)
    {
        Path = path;
        ChooseLayers(handle);

        // MKL_CBWR_Set is the C entry point (argument by value); the lowercase mkl_cbwr_set is the Fortran
        // one, which takes a pointer: calling it with a value crashed the process.
        _cbwr = NativeLibrary.TryGetExport(handle, "MKL_CBWR_Set", out var cbwr) ? (delegate* unmanaged[Cdecl]<int, int>)cbwr : null;
        // Reproducibility must be chosen before any computation, so it is an environment setting read at load.
        Reproducible = Environment.GetEnvironmentVariable("FUNCNET_MKL_CBWR") == "1" && EnableReproducibility();
        Blas = new Cblas(Reproducible ? "mkl-cnr" : "mkl", handle);
    }

    /// <summary>
    /// Picks MKL's layers before any other call, as MKL requires: the LP64 interface, and sequential
    /// threading: FuncNet splits large GEMMs across cores itself, and OpenMP worker threads spinning beside
    /// .NET's thread pool made steps several times slower on this machine (measured: 70 ms vs 11 ms per
    /// MLP step). <c>FUNCNET_MKL_THREADING=gnu</c> selects GNU OpenMP (Intel's libiomp5 is not in Debian;
    /// without a choice, libmkl_rt defaults to it and fails with an unresolved omp_* symbol).
    /// </summary>
    private static void ChooseLayers(nint handle)
    {
        const int lp64 = 0, sequential = 1, gnu = 3;
        var setInterface = (delegate* unmanaged[Cdecl]<int, int>)NativeLibrary.GetExport(handle, "MKL_Set_Interface_Layer");
        var setThreading = (delegate* unmanaged[Cdecl]<int, int>)NativeLibrary.GetExport(handle, "MKL_Set_Threading_Layer");
        setInterface(lp64);
        var wanted = Environment.GetEnvironmentVariable("FUNCNET_MKL_THREADING");
        var useGnu = wanted == "gnu" && LoadGlobal("libgomp.so.1");
        Threading = useGnu ? "gnu-openmp" : "sequential";
        setThreading(useGnu ? gnu : sequential);
    }

    // MKL's threading layer resolves omp_* symbols from the global namespace, so libgomp must be opened
    // with RTLD_GLOBAL, which NativeLibrary.Load does not do.
    [DllImport("libc", EntryPoint = "dlopen")]
    private static extern nint DlOpen(string file, int mode);

    private static bool LoadGlobal(string library)
    {
        const int rtldNow = 2, rtldGlobal = 0x100;
        try
        {
            return DlOpen(library, rtldNow | rtldGlobal) != 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>The threading layer chosen: gnu-openmp or sequential.</summary>
    public static string Threading { get; private set; } = "";

    /// <summary>MKL's CBLAS GEMMs.</summary>
    public Cblas Blas { get; }

    /// <summary>The file that was loaded.</summary>
    public string Path { get; }

    /// <summary>The library, or null with a message naming every path tried.</summary>
    public static (MklLibrary? Library, string Error) Load() => Loaded.Value;

    private static (MklLibrary?, string) TryLoad()
    {
        if (Environment.GetEnvironmentVariable("FUNCNET_DISABLE_MKL") == "1")
        {
            return (null, "Intel MKL is disabled by FUNCNET_DISABLE_MKL=1.");
        }
        var tried = new List<string>();
        var overridePath = Environment.GetEnvironmentVariable("FUNCNET_MKL_PATH");
        var candidates = new List<string>();
        if (!string.IsNullOrEmpty(overridePath)) { candidates.Add(overridePath); }
        candidates.AddRange(["libmkl_rt.so", "libmkl_rt.so.2", "libmkl_rt.so.1", "/usr/lib/x86_64-linux-gnu/libmkl_rt.so", "/opt/intel/mkl/lib/intel64/libmkl_rt.so"]);
        foreach (var c in candidates)
        {
            tried.Add(c);
            if (NativeLibrary.TryLoad(c, out var handle))
            {
                try
                {
                    return (new MklLibrary(handle, c), "");
                }
                catch (EntryPointNotFoundException e)
                {
                    tried[^1] += $" (loaded, but {e.Message})";
                }
            }
        }
        return (null, $"Intel MKL could not be loaded; tried {string.Join(", ", tried)}. Install it with scripts/setup-native.sh (Debian non-free package libmkl-rt) or set FUNCNET_MKL_PATH.");
    }

    /// <summary>
    /// True when MKL runs in conditional numerical reproducibility mode (<c>FUNCNET_MKL_CBWR=1</c> at load):
    /// the same inputs give bitwise-identical results run to run, whatever the memory alignment.
    /// </summary>
    public bool Reproducible { get; }

    /// <summary>Asks for conditional numerical reproducibility (bitwise-identical results run to run); false when unsupported.</summary>
    private bool EnableReproducibility()
    {
        const int cbwrCompatible = 2; // MKL_CBWR_COMPATIBLE: the same results on every run and machine
        return _cbwr != null && _cbwr(cbwrCompatible) == 0;
    }

}
