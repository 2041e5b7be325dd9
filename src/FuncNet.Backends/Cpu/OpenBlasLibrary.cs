using System.Runtime.InteropServices;

namespace FuncNet.Backends.Cpu;

/// <summary>
/// OpenBLAS's CBLAS GEMMs (Debian's <c>libopenblas0-pthread</c>, installed by scripts/setup-native.sh), using
/// its own threads (one per core, or <c>FUNCNET_OPENBLAS_THREADS</c>): measured on the W1 shapes, its
/// partitioning beats FuncNet splitting single-threaded calls (4.6 ms vs 7.1 ms per step). On this AMD
/// machine its kernels also beat MKL 2020's, which picks a generic path on non-Intel CPUs, so the auto
/// backend measures both per shape and keeps the faster.
/// </summary>
internal static unsafe class OpenBlasLibrary
{
    private static readonly Lazy<(Cblas? Blas, string Error)> Loaded = new(TryLoad);

    /// <summary>The library, or null with a message naming every path tried.</summary>
    public static (Cblas? Blas, string Error) Load() => Loaded.Value;

    private static (Cblas?, string) TryLoad()
    {
        if (Environment.GetEnvironmentVariable("FUNCNET_DISABLE_OPENBLAS") == "1")
        {
            return (null, "OpenBLAS is disabled by FUNCNET_DISABLE_OPENBLAS=1.");
        }
        var tried = new List<string>();
        string[] candidates = [Environment.GetEnvironmentVariable("FUNCNET_OPENBLAS_PATH") ?? "", "libopenblas.so.0",
                               "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0", "libopenblas.so"];
        foreach (var c in candidates.Where(c => c.Length > 0))
        {
            tried.Add(c);
            if (!NativeLibrary.TryLoad(c, out var handle))
            {
                continue;
            }
            try
            {
                var blas = new Cblas("openblas", handle);
                if (NativeLibrary.TryGetExport(handle, "openblas_set_num_threads", out var set))
                {
                    var threads = int.TryParse(Environment.GetEnvironmentVariable("FUNCNET_OPENBLAS_THREADS"), out var t) && t >= 1 ? t : WorkerPool.Threads;
                    ((delegate* unmanaged[Cdecl]<int, void>)set)(threads);
                }
                return (blas, "");
            }
            catch (EntryPointNotFoundException e)
            {
                tried[^1] += $" (loaded, but {e.Message})";
            }
        }
        return (null, $"OpenBLAS could not be loaded; tried {string.Join(", ", tried)}. Install it with scripts/setup-native.sh (Debian package libopenblas0-pthread).");
    }
}
