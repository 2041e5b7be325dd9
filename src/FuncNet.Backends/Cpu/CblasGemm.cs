using System.Numerics;

namespace FuncNet.Backends.Cpu;

/// <summary>GEMM through a CBLAS library (MKL or OpenBLAS), with transpose flags passed straight through.</summary>
internal sealed unsafe class CblasGemm(Cblas blas) : IGemm
{
    public string Name => blas.Name;

    public void Gemm<T>(bool transA, bool transB, int m, int n, int k, T alpha,
                        T[] a, int aOffset, int lda, T[] b, int bOffset, int ldb, T beta, T[] c, int cOffset, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (m == 0 || n == 0)
        {
            return;
        }
        // The library reads and writes through raw pointers: every pointer and extent must lie in its array.
        if (k > 0)
        {
            GemmBounds.RequireInside(blas.Name, a, aOffset, transA ? k : m, transA ? m : k, lda, "A");
            GemmBounds.RequireInside(blas.Name, b, bOffset, transB ? n : k, transB ? k : n, ldb, "B");
        }
        GemmBounds.RequireInside(blas.Name, c, cOffset, m, n, ldc, "C");
        if (typeof(T) == typeof(float))
        {
            fixed (float* pa = (float[])(object)a, pb = (float[])(object)b, pc = (float[])(object)c)
            {
                blas.Sgemm(transA, transB, m, n, k, float.CreateTruncating(alpha), pa + aOffset, Math.Max(1, lda), pb + bOffset, Math.Max(1, ldb),
                          float.CreateTruncating(beta), pc + cOffset, Math.Max(1, ldc));
            }
        }
        else
        {
            fixed (double* pa = (double[])(object)a, pb = (double[])(object)b, pc = (double[])(object)c)
            {
                blas.Dgemm(transA, transB, m, n, k, double.CreateTruncating(alpha), pa + aOffset, Math.Max(1, lda), pb + bOffset, Math.Max(1, ldb),
                          double.CreateTruncating(beta), pc + cOffset, Math.Max(1, ldc));
            }
        }
    }
}
