using System.Runtime.InteropServices;

namespace FuncNet.Backends.Cpu.OneDnn;

/// <summary>
/// The oneDNN (Deep Neural Network Library) C API entry points FuncNet uses, bound at run time from
/// <c>libdnnl.so.2</c> (Debian's <c>libdnnl2</c> 2.6, installed by scripts/setup-native.sh): <c>dnnl_sgemm</c>
/// and the primitive machinery (memory descriptors, convolution and pooling descriptors, primitives, one CPU
/// engine). Loading is attempted once; when it fails, <see cref="Load"/> reports every path tried.
/// The Debian build threads with GNU OpenMP; the thread count is set per call (<see cref="UseThreads"/>).
/// </summary>
internal sealed unsafe class OneDnnLibrary
{
    private static readonly Lazy<(OneDnnLibrary? Library, string Error)> Loaded = new(TryLoad);

    /// <summary>Bytes reserved for a <c>dnnl_memory_desc_t</c> (696 in 2.6's headers; the margin survives minor versions).</summary>
    public const int MemoryDescBytes = 1024;

    /// <summary>Bytes reserved for an operation descriptor (<c>dnnl_convolution_desc_t</c> is 5,976 in 2.6, pooling v2 3,288).</summary>
    public const int OpDescBytes = 8192;

    // dnnl_memory_desc_init_by_tag(md, ndims, dims, data_type, tag)
    public readonly delegate* unmanaged[Cdecl]<void*, int, long*, int, int, int> MemoryDescInitByTag;
    // dnnl_memory_desc_get_size(md)
    public readonly delegate* unmanaged[Cdecl]<void*, nuint> MemoryDescGetSize;
    // dnnl_memory_create(memory*, md, engine, handle) / set_data_handle / destroy
    public readonly delegate* unmanaged[Cdecl]<nint*, void*, nint, void*, int> MemoryCreate;
    public readonly delegate* unmanaged[Cdecl]<nint, void*, int> MemorySetDataHandle;
    public readonly delegate* unmanaged[Cdecl]<nint, int> MemoryDestroy;
    // dnnl_dilated_convolution_forward_desc_init(desc, prop, alg, src, weights, bias, dst, strides, dilates, pad_l, pad_r)
    public readonly delegate* unmanaged[Cdecl]<void*, int, int, void*, void*, void*, void*, long*, long*, long*, long*, int> ConvolutionForwardDescInit;
    // dnnl_dilated_convolution_backward_data_desc_init(desc, alg, diff_src, weights, diff_dst, strides, dilates, pad_l, pad_r)
    public readonly delegate* unmanaged[Cdecl]<void*, int, void*, void*, void*, long*, long*, long*, long*, int> ConvolutionBackwardDataDescInit;
    // dnnl_dilated_convolution_backward_weights_desc_init(desc, alg, src, diff_weights, diff_bias, diff_dst, strides, dilates, pad_l, pad_r)
    public readonly delegate* unmanaged[Cdecl]<void*, int, void*, void*, void*, void*, long*, long*, long*, long*, int> ConvolutionBackwardWeightsDescInit;
    // dnnl_pooling_v2_forward_desc_init(desc, prop, alg, src, dst, strides, kernel, dilation, pad_l, pad_r)
    public readonly delegate* unmanaged[Cdecl]<void*, int, int, void*, void*, long*, long*, long*, long*, long*, int> PoolingForwardDescInit;
    // dnnl_pooling_v2_backward_desc_init(desc, alg, diff_src, diff_dst, strides, kernel, dilation, pad_l, pad_r)
    public readonly delegate* unmanaged[Cdecl]<void*, int, void*, void*, long*, long*, long*, long*, long*, int> PoolingBackwardDescInit;
    // dnnl_primitive_desc_create(pd*, op_desc, attr, engine, hint) / query_md / query / destroy
    public readonly delegate* unmanaged[Cdecl]<nint*, void*, nint, nint, nint, int> PrimitiveDescCreate;
    public readonly delegate* unmanaged[Cdecl]<nint, int, int, void*> PrimitiveDescQueryMd;
    public readonly delegate* unmanaged[Cdecl]<nint, int, int, void*, int> PrimitiveDescQuery;
    public readonly delegate* unmanaged[Cdecl]<nint, int> PrimitiveDescDestroy;
    // dnnl_primitive_create(primitive*, pd) / execute(primitive, stream, nargs, args) / destroy
    public readonly delegate* unmanaged[Cdecl]<nint*, nint, int> PrimitiveCreate;
    public readonly delegate* unmanaged[Cdecl]<nint, nint, int, ExecArg*, int> PrimitiveExecute;
    public readonly delegate* unmanaged[Cdecl]<nint, int> PrimitiveDestroy;
    // dnnl_stream_create(stream*, engine, flags) / wait / destroy
    public readonly delegate* unmanaged[Cdecl]<nint*, nint, uint, int> StreamCreate;
    public readonly delegate* unmanaged[Cdecl]<nint, int> StreamWait;
    public readonly delegate* unmanaged[Cdecl]<nint, int> StreamDestroy;
    // dnnl_sgemm(transa, transb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc), row-major
    private readonly delegate* unmanaged[Cdecl]<byte, byte, long, long, long, float, float*, long, float*, long, float, float*, long, int> _sgemm;

    /// <summary>One argument of a primitive execution (<c>dnnl_exec_arg_t</c>): which role, which memory object.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct ExecArg
    {
        /// <summary>The role, a <c>DNNL_ARG_*</c> value.</summary>
        public int Arg;

        /// <summary>The <c>dnnl_memory_t</c> bound to it.</summary>
        public nint Memory;
    }

    private OneDnnLibrary(nint handle, string path)
    {
        Path = path;
        MemoryDescInitByTag = (delegate* unmanaged[Cdecl]<void*, int, long*, int, int, int>)NativeLibrary.GetExport(handle, "dnnl_memory_desc_init_by_tag");
        MemoryDescGetSize = (delegate* unmanaged[Cdecl]<void*, nuint>)NativeLibrary.GetExport(handle, "dnnl_memory_desc_get_size");
        MemoryCreate = (delegate* unmanaged[Cdecl]<nint*, void*, nint, void*, int>)NativeLibrary.GetExport(handle, "dnnl_memory_create");
        MemorySetDataHandle = (delegate* unmanaged[Cdecl]<nint, void*, int>)NativeLibrary.GetExport(handle, "dnnl_memory_set_data_handle");
        MemoryDestroy = (delegate* unmanaged[Cdecl]<nint, int>)NativeLibrary.GetExport(handle, "dnnl_memory_destroy");
        ConvolutionForwardDescInit = (delegate* unmanaged[Cdecl]<void*, int, int, void*, void*, void*, void*, long*, long*, long*, long*, int>)NativeLibrary.GetExport(handle, "dnnl_dilated_convolution_forward_desc_init");
        ConvolutionBackwardDataDescInit = (delegate* unmanaged[Cdecl]<void*, int, void*, void*, void*, long*, long*, long*, long*, int>)NativeLibrary.GetExport(handle, "dnnl_dilated_convolution_backward_data_desc_init");
        ConvolutionBackwardWeightsDescInit = (delegate* unmanaged[Cdecl]<void*, int, void*, void*, void*, void*, long*, long*, long*, long*, int>)NativeLibrary.GetExport(handle, "dnnl_dilated_convolution_backward_weights_desc_init");
        PoolingForwardDescInit = (delegate* unmanaged[Cdecl]<void*, int, int, void*, void*, long*, long*, long*, long*, long*, int>)NativeLibrary.GetExport(handle, "dnnl_pooling_v2_forward_desc_init");
        PoolingBackwardDescInit = (delegate* unmanaged[Cdecl]<void*, int, void*, void*, long*, long*, long*, long*, long*, int>)NativeLibrary.GetExport(handle, "dnnl_pooling_v2_backward_desc_init");
        PrimitiveDescCreate = (delegate* unmanaged[Cdecl]<nint*, void*, nint, nint, nint, int>)NativeLibrary.GetExport(handle, "dnnl_primitive_desc_create");
        PrimitiveDescQueryMd = (delegate* unmanaged[Cdecl]<nint, int, int, void*>)NativeLibrary.GetExport(handle, "dnnl_primitive_desc_query_md");
        PrimitiveDescQuery = (delegate* unmanaged[Cdecl]<nint, int, int, void*, int>)NativeLibrary.GetExport(handle, "dnnl_primitive_desc_query");
        PrimitiveDescDestroy = (delegate* unmanaged[Cdecl]<nint, int>)NativeLibrary.GetExport(handle, "dnnl_primitive_desc_destroy");
        PrimitiveCreate = (delegate* unmanaged[Cdecl]<nint*, nint, int>)NativeLibrary.GetExport(handle, "dnnl_primitive_create");
        PrimitiveExecute = (delegate* unmanaged[Cdecl]<nint, nint, int, ExecArg*, int>)NativeLibrary.GetExport(handle, "dnnl_primitive_execute");
        PrimitiveDestroy = (delegate* unmanaged[Cdecl]<nint, int>)NativeLibrary.GetExport(handle, "dnnl_primitive_destroy");
        StreamCreate = (delegate* unmanaged[Cdecl]<nint*, nint, uint, int>)NativeLibrary.GetExport(handle, "dnnl_stream_create");
        StreamWait = (delegate* unmanaged[Cdecl]<nint, int>)NativeLibrary.GetExport(handle, "dnnl_stream_wait");
        StreamDestroy = (delegate* unmanaged[Cdecl]<nint, int>)NativeLibrary.GetExport(handle, "dnnl_stream_destroy");
        _sgemm = (delegate* unmanaged[Cdecl]<byte, byte, long, long, long, float, float*, long, float*, long, float, float*, long, int>)NativeLibrary.GetExport(handle, "dnnl_sgemm");

        // The one CPU engine every primitive of the process is created on; it lives as long as the process.
        var engineCreate = (delegate* unmanaged[Cdecl]<nint*, int, nuint, int>)NativeLibrary.GetExport(handle, "dnnl_engine_create");
        nint engine;
        const int cpuEngine = 1; // dnnl_cpu
        Check(engineCreate(&engine, cpuEngine, 0), "dnnl_engine_create");
        Engine = engine;
        _setNumThreads = FindSetNumThreads();
    }

    /// <summary>The CPU engine (<c>dnnl_engine_t</c>) primitives are created on.</summary>
    public nint Engine { get; }

    /// <summary>The file that was loaded.</summary>
    public string Path { get; }

    /// <summary><c>FUNCNET_ONEDNN_THREADS</c>: the OpenMP threads every oneDNN call runs on, or null to choose per call.</summary>
    public int? FixedThreads { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("FUNCNET_ONEDNN_THREADS"), out var t) && t >= 1 ? t : null;

    /// <summary>
    /// Sets the OpenMP threads the calling thread's next oneDNN call runs on (<c>omp_set_num_threads</c>). The
    /// count is a per-thread setting in OpenMP, so it is set before every call: a plan runs on whichever thread
    /// calls it, and the backend's workers call dnnl_sgemm too. libgomp is loaded as oneDNN's dependency, so
    /// this finds the same copy; without it the calls run on OpenMP's default.
    /// </summary>
    public void UseThreads(int threads)
    {
        if (_setNumThreads != null) { _setNumThreads(threads); }
    }

    private readonly delegate* unmanaged[Cdecl]<int, void> _setNumThreads;

    private static delegate* unmanaged[Cdecl]<int, void> FindSetNumThreads() =>
        NativeLibrary.TryLoad("libgomp.so.1", out var gomp) && NativeLibrary.TryGetExport(gomp, "omp_set_num_threads", out var set)
            ? (delegate* unmanaged[Cdecl]<int, void>)set
            : null;

    /// <summary>The library, or null with a message naming every path tried.</summary>
    public static (OneDnnLibrary? Library, string Error) Load() => Loaded.Value;

    private static (OneDnnLibrary?, string) TryLoad()
    {
        if (Environment.GetEnvironmentVariable("FUNCNET_DISABLE_ONEDNN") == "1")
        {
            return (null, "oneDNN is disabled by FUNCNET_DISABLE_ONEDNN=1.");
        }
        PreferSleepingThreads();
        var tried = new List<string>();
        string[] candidates = [Environment.GetEnvironmentVariable("FUNCNET_ONEDNN_PATH") ?? "", "libdnnl.so.2", "/usr/lib/x86_64-linux-gnu/libdnnl.so.2", "libdnnl.so"];
        foreach (var c in candidates.Where(c => c.Length > 0))
        {
            tried.Add(c);
            if (!NativeLibrary.TryLoad(c, out var handle))
            {
                continue;
            }
            try
            {
                return (new OneDnnLibrary(handle, c), "");
            }
            catch (Exception e) when (e is EntryPointNotFoundException or FuncNetException)
            {
                tried[^1] += $" (loaded, but {e.Message})";
            }
        }
        return (null, $"oneDNN could not be loaded; tried {string.Join(", ", tried)}. Install it with scripts/setup-native.sh (Debian package libdnnl2) or set FUNCNET_ONEDNN_PATH.");
    }

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnv(string name, string value, int overwrite);

    /// <summary>
    /// GNU OpenMP's idle threads spin by default, and spinning beside the backend's own worker threads (and the
    /// other processes of a shared machine) is what made MKL's OpenMP layer several times slower here
    /// (see MklLibrary). Sleeping threads cost a wake-up per GEMM instead. libgomp reads the setting when it is
    /// first loaded, which is with oneDNN, so it is set in the native environment (.NET's own copy is not what
    /// libgomp reads) just before; a value the user set wins.
    /// </summary>
    private static void PreferSleepingThreads()
    {
        try
        {
            SetEnv("OMP_WAIT_POLICY", Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") ?? "PASSIVE", overwrite: 0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not a glibc system: oneDNN then runs with libgomp's default policy.
        }
    }

    /// <summary>Row-major C = α·op(A)·op(B) + β·C on the given OpenMP threads; throws when oneDNN reports an error.</summary>
    public void Sgemm(int threads, bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        UseThreads(threads);
        Check(_sgemm(transA ? (byte)'T' : (byte)'N', transB ? (byte)'T' : (byte)'N', m, n, k, alpha, a, lda, b, ldb, beta, c, ldc), "dnnl_sgemm");
    }

    /// <summary>Throws unless a oneDNN call succeeded, naming the call and oneDNN's status.</summary>
    public static void Check(int status, string call)
    {
        if (status != 0)
        {
            throw new FuncNetException($"oneDNN: {call} failed with status {StatusName(status)}; this is a FuncNet bug unless the library is broken, please report it with the shapes involved.");
        }
    }

    // dnnl_status_t's values, in the order of dnnl_types.h.
    private static string StatusName(int status) => status switch
    {
        1 => "out_of_memory",
        2 => "invalid_arguments",
        3 => "unimplemented",
        4 => "iterator_ends",
        5 => "runtime_error",
        6 => "not_required",
        _ => status.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
