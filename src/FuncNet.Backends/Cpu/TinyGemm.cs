using System.Numerics;

namespace FuncNet.Backends.Cpu;

/// <summary>
/// The managed small-matrix GEMM: a plain loop for products of at most <see cref="MaxWork"/> multiply-adds
/// (the seed net's 4 × 4, the curriculum's 100 × 2 × 2), where any library call, and even the lookup of a
/// measured per-shape choice, costs more than the arithmetic. Every CPU GEMM front (<see cref="ParallelGemm"/>,
/// <see cref="MeasuredGemm"/>) sends such shapes here before anything else.
/// </summary>
internal static class TinyGemm
{
    /// <summary>
    /// Up to this many multiply-adds (m·n·k) the loop beats MKL and OpenBLAS here: the seed net (W2, all
    /// products ≤ 64) runs no slower on <c>auto</c> than on <c>managed</c> (docs/performance.md).
    /// </summary>
    public const long MaxWork = 4096;

    /// <summary>True when an m × n × k product is small enough for the loop.</summary>
    public static bool Serves(int m, int n, int k) => (long)m * n * k <= MaxWork;

    /// <summary>C = α·op(A)·op(B) + β·C by the definition, with the same conventions as <see cref="IGemm"/>.</summary>
    public static void Gemm<T>(bool transA, bool transB, int m, int n, int k, T alpha,
                               T[] a, int aOffset, int lda, T[] b, int bOffset, int ldb, T beta, T[] c, int cOffset, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Element (i, p) of op(A) is a[aOffset + i·ai + p·ap]; element (p, j) of op(B) is b[bOffset + p·bp + j·bj].
        var (ai, ap) = transA ? (1, lda) : (lda, 1);
        var (bp, bj) = transB ? (1, ldb) : (ldb, 1);
        for (var i = 0; i < m; i++)
        {
            var aRow = aOffset + i * ai;
            var cRow = cOffset + i * ldc;
            for (var j = 0; j < n; j++)
            {
                var sum = T.Zero;
                var bAt = bOffset + j * bj;
                for (var p = 0; p < k; p++)
                {
                    sum += a[aRow + p * ap] * b[bAt + p * bp];
                }
                c[cRow + j] = beta == T.Zero ? alpha * sum : alpha * sum + beta * c[cRow + j];
            }
        }
    }
}
