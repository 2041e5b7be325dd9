using System.Runtime.InteropServices;

namespace FuncNet.Backends.Cuda.Native;

/// <summary>
/// The cuBLAS entry points the backend uses, bound by name with explicit <c>_v2</c> names. cuBLAS is
/// column-major; <see cref="CudaKernels"/> maps FuncNet's row-major GEMMs onto it by swapping operands.
/// Scalars (alpha, beta) are passed by host pointer, cuBLAS's default pointer mode.
/// </summary>
internal sealed unsafe class Cublas
{
    /// <summary>CUBLAS_OP_N.</summary>
    public const int OpN = 0;
    /// <summary>CUBLAS_OP_T.</summary>
    public const int OpT = 1;
    /// <summary>CUBLAS_DEFAULT_MATH: full FP32 precision.</summary>
    public const int DefaultMath = 0;
    /// <summary>CUBLAS_TF32_TENSOR_OP_MATH: FP32 GEMMs on TF32 tensor cores (10-bit mantissa inputs): opt-in only.</summary>
    public const int Tf32TensorOpMath = 3;

    private static readonly Lazy<(Cublas? Library, string Error)> Loaded = new(TryLoad);

    public readonly delegate* unmanaged<nint*, int> cublasCreate_v2;
    public readonly delegate* unmanaged<nint, int> cublasDestroy_v2;
    public readonly delegate* unmanaged<nint, nint, int> cublasSetStream_v2;
    public readonly delegate* unmanaged<nint, int, int> cublasSetMathMode;
    public readonly delegate* unmanaged<nint, int, int, int, int, int, float*, ulong, int, ulong, int, float*, ulong, int, int> cublasSgemm_v2;
    public readonly delegate* unmanaged<nint, int, int, int, int, int, double*, ulong, int, ulong, int, double*, ulong, int, int> cublasDgemm_v2;
    public readonly delegate* unmanaged<nint, int, int, int, int, int, float*, ulong, int, long, ulong, int, long, float*, ulong, int, long, int, int> cublasSgemmStridedBatched;
    public readonly delegate* unmanaged<nint, int, int, int, int, int, double*, ulong, int, long, ulong, int, long, double*, ulong, int, long, int, int> cublasDgemmStridedBatched;

    private Cublas(nint h, string path)
    {
        Path = path;
        cublasCreate_v2 = (delegate* unmanaged<nint*, int>)NativeLibrary.GetExport(h, "cublasCreate_v2");
        cublasDestroy_v2 = (delegate* unmanaged<nint, int>)NativeLibrary.GetExport(h, "cublasDestroy_v2");
        cublasSetStream_v2 = (delegate* unmanaged<nint, nint, int>)NativeLibrary.GetExport(h, "cublasSetStream_v2");
        cublasSetMathMode = (delegate* unmanaged<nint, int, int>)NativeLibrary.GetExport(h, "cublasSetMathMode");
        cublasSgemm_v2 = (delegate* unmanaged<nint, int, int, int, int, int, float*, ulong, int, ulong, int, float*, ulong, int, int>)NativeLibrary.GetExport(h, "cublasSgemm_v2");
        cublasDgemm_v2 = (delegate* unmanaged<nint, int, int, int, int, int, double*, ulong, int, ulong, int, double*, ulong, int, int>)NativeLibrary.GetExport(h, "cublasDgemm_v2");
        cublasSgemmStridedBatched = (delegate* unmanaged<nint, int, int, int, int, int, float*, ulong, int, long, ulong, int, long, float*, ulong, int, long, int, int>)NativeLibrary.GetExport(h, "cublasSgemmStridedBatched");
        cublasDgemmStridedBatched = (delegate* unmanaged<nint, int, int, int, int, int, double*, ulong, int, long, ulong, int, long, double*, ulong, int, long, int, int>)NativeLibrary.GetExport(h, "cublasDgemmStridedBatched");
    }

    /// <summary>The file that was loaded.</summary>
    public string Path { get; }

    /// <summary>cuBLAS, or null with a message naming every file tried.</summary>
    public static (Cublas? Library, string Error) Load() => Loaded.Value;

    private static (Cublas?, string) TryLoad()
    {
        try
        {
            var (handle, path) = CudaLibraryResolver.Load(CudaLibrarySpec.Cublas);
            return (new Cublas(handle, path), "");
        }
        catch (BackendUnavailableException e)
        {
            return (null, e.Message);
        }
        catch (EntryPointNotFoundException e)
        {
            return (null, $"cuBLAS loaded but lacks an entry point FuncNet needs: {e.Message}");
        }
    }

    /// <summary>Throws a <see cref="CudaException"/> naming the call and the cublasStatus_t when it is not success.</summary>
    public static void Check(int status, string call)
    {
        if (status != 0)
        {
            var name = status switch
            {
                1 => "CUBLAS_STATUS_NOT_INITIALIZED",
                3 => "CUBLAS_STATUS_ALLOC_FAILED",
                7 => "CUBLAS_STATUS_INVALID_VALUE",
                8 => "CUBLAS_STATUS_ARCH_MISMATCH",
                11 => "CUBLAS_STATUS_MAPPING_ERROR",
                13 => "CUBLAS_STATUS_EXECUTION_FAILED",
                14 => "CUBLAS_STATUS_INTERNAL_ERROR",
                15 => "CUBLAS_STATUS_NOT_SUPPORTED",
                _ => "cublasStatus_t " + status,
            };
            throw status == 3
                ? new CudaOutOfMemoryException($"{call} failed: {name}: cuBLAS could not allocate its workspace on the device.")
                : new CudaException($"{call} failed: {name}.", status);
        }
    }
}
