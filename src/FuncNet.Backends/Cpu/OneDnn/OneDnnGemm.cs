using System.Numerics;

namespace FuncNet.Backends.Cpu.OneDnn;

/// <summary>
/// Single-precision GEMM through <c>dnnl_sgemm</c> (row-major, transpose flags passed through): the issue's
/// measurement on W1's shapes had it well ahead of OpenBLAS and MKL here. It runs on <paramref name="threads"/>
/// OpenMP threads: one when the backend splits its products across its own workers (<see cref="ParallelGemm"/>),
/// or the backend's whole budget as a provider of its own, which partitions each product itself (the per-shape
/// choice measures both). oneDNN has no double-precision GEMM, so this provider serves Float32 only
/// (<see cref="IGemm.ServesFloat64"/>); a per-shape measured choice leaves Float64 to the others.
/// </summary>
internal sealed unsafe class OneDnnGemm(OneDnnLibrary library, int threads) : IGemm
{
    public string Name { get; } = threads == 1 ? "onednn" : $"onednn-{threads}t";

    public bool ServesFloat64 => false;

    public void Gemm<T>(bool transA, bool transB, int m, int n, int k, T alpha,
                        T[] a, int aOffset, int lda, T[] b, int bOffset, int ldb, T beta, T[] c, int cOffset, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) != typeof(float))
        {
            throw new FuncNetException($"onednn GEMM: oneDNN multiplies Float32 only; given {typeof(T).Name}. This is a FuncNet bug (Float64 products must go to another provider), please report it.");
        }
        if (m == 0 || n == 0)
        {
            return;
        }
        // The library reads and writes through raw pointers: every pointer and extent must lie in its array.
        if (k > 0)
        {
            GemmBounds.RequireInside(Name, a, aOffset, transA ? k : m, transA ? m : k, lda, "A");
            GemmBounds.RequireInside(Name, b, bOffset, transB ? n : k, transB ? k : n, ldb, "B");
        }
        GemmBounds.RequireInside(Name, c, cOffset, m, n, ldc, "C");
        fixed (float* pa = (float[])(object)a, pb = (float[])(object)b, pc = (float[])(object)c)
        {
            library.Sgemm(threads, transA, transB, m, n, k, float.CreateTruncating(alpha), pa + aOffset, Math.Max(1, lda), pb + bOffset, Math.Max(1, ldb),
                          float.CreateTruncating(beta), pc + cOffset, Math.Max(1, ldc));
        }
    }
}
