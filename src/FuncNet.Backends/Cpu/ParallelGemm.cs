using System.Numerics;

namespace FuncNet.Backends.Cpu;

/// <summary>
/// Splits a large GEMM into row (or, for short and wide products, column) blocks of C and runs a
/// single-threaded GEMM on each block in parallel: one thread pool for the whole backend.
/// </summary>
internal sealed class ParallelGemm(IGemm inner) : IGemm
{
    /// <summary>Below this many multiply-adds one core is faster than waking others.</summary>
    private const long SplitThreshold = 1L << 20;

    public string Name => inner.Name;

    public IGemm Inner => inner;

    public void Gemm<T>(bool transA, bool transB, int m, int n, int k, T alpha,
                        T[] a, int aOffset, int lda, T[] b, int bOffset, int ldb, T beta, T[] c, int cOffset, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var threads = Environment.ProcessorCount;
        if (threads == 1 || (long)m * n * k < SplitThreshold)
        {
            inner.Gemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
            return;
        }
        var byRows = m >= n || m >= 64 * threads;
        var extent = byRows ? m : n;
        var parts = Math.Min(threads, Math.Max(1, extent / 16));
        var size = (extent + parts - 1) / parts;
        Parallel.For(0, parts, p =>
        {
            var first = p * size;
            var count = Math.Min(size, extent - first);
            if (count <= 0) { return; }
            if (byRows)
            {
                // Rows [first, first+count) of op(A): a row offset, or a column offset when A is stored transposed.
                var aOff = aOffset + (transA ? first : first * lda);
                inner.Gemm(transA, transB, count, n, k, alpha, a, aOff, lda, b, bOffset, ldb, beta, c, cOffset + first * ldc, ldc);
            }
            else
            {
                var bOff = bOffset + (transB ? first * ldb : first);
                inner.Gemm(transA, transB, m, count, k, alpha, a, aOffset, lda, b, bOff, ldb, beta, c, cOffset + first, ldc);
            }
        });
    }
}
