using System.Runtime.InteropServices;

namespace FuncNet.Backends.Distributed;

/// <summary>
/// The few Open MPI entry points data-parallel training uses, bound to <c>libmpi.so.40</c> (Debian's
/// <c>openmpi-bin</c>/<c>libopenmpi-dev</c> 4.1, installed by scripts/setup-native.sh; or the path in
/// <c>FUNCNET_MPI_LIBRARY</c>). Open MPI's handles (<c>MPI_COMM_WORLD</c>, <c>MPI_FLOAT</c>, <c>MPI_SUM</c>)
/// are not constants but the addresses of its predefined objects, so they are resolved from the library
/// like the functions. Every call is on <c>MPI_COMM_WORLD</c>.
/// </summary>
internal sealed unsafe class MpiLibrary
{
    private const int RtldNow = 2;
    private const int RtldGlobal = 0x100;
    // Any one thread at a time may call MPI: training runs on the main thread, a progress display may not.
    private const int ThreadSerialized = 2;
    private const int Success = 0;
    // Open MPI's MPI_IN_PLACE is ((void *) 1).
    private static readonly void* InPlace = (void*)1;

    private readonly delegate* unmanaged[Cdecl]<int*, byte***, int, int*, int> _initThread;
    private readonly delegate* unmanaged[Cdecl]<int> _finalize;
    private readonly delegate* unmanaged[Cdecl]<nint, int*, int> _commRank;
    private readonly delegate* unmanaged[Cdecl]<nint, int*, int> _commSize;
    private readonly delegate* unmanaged[Cdecl]<void*, void*, int, nint, nint, nint, int> _allreduce;
    private readonly delegate* unmanaged[Cdecl]<void*, int, nint, int, nint, int> _bcast;
    private readonly delegate* unmanaged[Cdecl]<nint, int> _barrier;
    private readonly delegate* unmanaged[Cdecl]<nint, int, int> _abort;
    private readonly delegate* unmanaged[Cdecl]<int, byte*, int*, int> _errorString;
    private readonly nint _commWorld;
    private readonly nint _float;
    private readonly nint _double;
    private readonly nint _byte;
    private readonly nint _sum;

    private MpiLibrary(nint handle, string path)
    {
        Path = path;
        nint F(string name) => NativeLibrary.GetExport(handle, name);
        _initThread = (delegate* unmanaged[Cdecl]<int*, byte***, int, int*, int>)F("MPI_Init_thread");
        _finalize = (delegate* unmanaged[Cdecl]<int>)F("MPI_Finalize");
        _commRank = (delegate* unmanaged[Cdecl]<nint, int*, int>)F("MPI_Comm_rank");
        _commSize = (delegate* unmanaged[Cdecl]<nint, int*, int>)F("MPI_Comm_size");
        _allreduce = (delegate* unmanaged[Cdecl]<void*, void*, int, nint, nint, nint, int>)F("MPI_Allreduce");
        _bcast = (delegate* unmanaged[Cdecl]<void*, int, nint, int, nint, int>)F("MPI_Bcast");
        _barrier = (delegate* unmanaged[Cdecl]<nint, int>)F("MPI_Barrier");
        _abort = (delegate* unmanaged[Cdecl]<nint, int, int>)F("MPI_Abort");
        _errorString = (delegate* unmanaged[Cdecl]<int, byte*, int*, int>)F("MPI_Error_string");
        _commWorld = F("ompi_mpi_comm_world");
        _float = F("ompi_mpi_float");
        _double = F("ompi_mpi_double");
        _byte = F("ompi_mpi_byte");
        _sum = F("ompi_mpi_op_sum");
    }

    /// <summary>The file that was loaded.</summary>
    public string Path { get; }

    /// <summary>Loads the library or throws <see cref="BackendUnavailableException"/> naming every path tried and how to install it.</summary>
    public static MpiLibrary Load()
    {
        var overridden = Environment.GetEnvironmentVariable("FUNCNET_MPI_LIBRARY");
        string[] candidates = overridden is { Length: > 0 } ? [overridden] : ["libmpi.so.40", "/usr/lib/x86_64-linux-gnu/libmpi.so.40"];
        var tried = new List<string>();
        foreach (var c in candidates)
        {
            // RTLD_GLOBAL: the plugins MPI_Init dlopens resolve libmpi's symbols from the global scope.
            var handle = OperatingSystem.IsLinux() ? DlOpen(c, RtldNow | RtldGlobal) : 0;
            if (handle == 0)
            {
                tried.Add(c);
                continue;
            }
            try
            {
                return new MpiLibrary(handle, c);
            }
            catch (EntryPointNotFoundException e)
            {
                tried.Add($"{c} (loaded, but {e.Message}; expected Open MPI 4.x)");
            }
        }
        throw new BackendUnavailableException(
            $"Open MPI could not be loaded; tried {string.Join(", ", tried)}. Install it with scripts/setup-native.sh (Debian packages openmpi-bin, libopenmpi-dev), " +
            "or set FUNCNET_MPI_LIBRARY to the path of libmpi.so.40.");
    }

    /// <summary>MPI_Init_thread; returns this process's rank and the number of ranks.</summary>
    public (int Rank, int Size) Initialize()
    {
        int provided, rank, size;
        // Open MPI's default crash handlers (SIGSEGV, SIGBUS, SIGFPE, SIGABRT) would replace the .NET
        // runtime's, which turns SIGSEGV into NullReferenceException; a user's own setting wins (overwrite 0).
        SetEnv("OMPI_MCA_opal_signal", "", 0);
        // Between ranks on one machine, the shared-memory transport's default single-copy path (CMA,
        // process_vm_readv) made W1's 2-rank step 3× slower here than plain copies through shared memory
        // (docs/performance.md); a user's own setting wins.
        SetEnv("OMPI_MCA_btl_vader_single_copy_mechanism", "none", 0);
        Check(_initThread(null, null, ThreadSerialized, &provided), "MPI_Init_thread");
        Check(_commRank(_commWorld, &rank), "MPI_Comm_rank");
        Check(_commSize(_commWorld, &size), "MPI_Comm_size");
        return (rank, size);
    }

    public void FinalizeMpi() => Check(_finalize(), "MPI_Finalize");

    public void AllReduceSum(Span<float> values)
    {
        fixed (float* p = values) { Check(_allreduce(InPlace, p, values.Length, _float, _sum, _commWorld), "MPI_Allreduce"); }
    }

    public void AllReduceSum(Span<double> values)
    {
        fixed (double* p = values) { Check(_allreduce(InPlace, p, values.Length, _double, _sum, _commWorld), "MPI_Allreduce"); }
    }

    public void Broadcast(Span<byte> values, int root)
    {
        fixed (byte* p = values) { Check(_bcast(p, values.Length, _byte, root, _commWorld), "MPI_Bcast"); }
    }

    public void Broadcast(Span<float> values, int root)
    {
        fixed (float* p = values) { Check(_bcast(p, values.Length, _float, root, _commWorld), "MPI_Bcast"); }
    }

    public void Broadcast(Span<double> values, int root)
    {
        fixed (double* p = values) { Check(_bcast(p, values.Length, _double, root, _commWorld), "MPI_Bcast"); }
    }

    public void Barrier() => Check(_barrier(_commWorld), "MPI_Barrier");

    public void Abort(int exitCode) => _abort(_commWorld, exitCode);

    /// <summary>Throws <see cref="DistributedException"/> naming the call and Open MPI's description of a failed return code.</summary>
    private void Check(int code, string call)
    {
        if (code == Success) { return; }
        var text = stackalloc byte[512];
        var length = 0;
        var message = _errorString(code, text, &length) == Success ? Marshal.PtrToStringUTF8((nint)text, length) : "no description";
        throw new DistributedException($"{call} failed with MPI error {code}: {message}.");
    }

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnv([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);

    [DllImport("libc", EntryPoint = "dlopen")]
    private static extern nint DlOpen([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);
}
