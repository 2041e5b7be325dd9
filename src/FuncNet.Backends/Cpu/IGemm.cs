using System.Numerics;

namespace FuncNet.Backends.Cpu;

/// <summary>
/// Row-major GEMM: C = α·op(A)·op(B) + β·C, where op transposes when its flag is set, on arrays with
/// offsets and leading dimensions (so batches are slices of one array). Transposes are never materialized
/// by the caller.
/// </summary>
internal interface IGemm
{
    string Name { get; }

    /// <summary>False for a provider that multiplies Float32 only (oneDNN): callers route Float64 elsewhere.</summary>
    bool ServesFloat64 => true;

    void Gemm<T>(bool transA, bool transB, int m, int n, int k, T alpha,
                 T[] a, int aOffset, int lda, T[] b, int bOffset, int ldb, T beta, T[] c, int cOffset, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>;
}
