using System.Numerics;
using System.Runtime.CompilerServices;

namespace FuncNet.Backends.Cpu;

/// <summary>
/// A blocked, parallel GEMM in managed SIMD: op(A) is packed into panels of <see cref="Mr"/> rows and op(B)
/// into panels of two vectors' width, both contiguous along k, so the micro-kernel keeps a 4 × 2-vector
/// tile of C in registers and streams both panels with multiply-adds. Single-threaded; see ParallelGemm.
/// </summary>
internal sealed class ManagedGemm : IGemm
{
    private const int Mr = 4;

    public string Name => "managed";

    public void Gemm<T>(bool transA, bool transB, int m, int n, int k, T alpha,
                        T[] a, int aOffset, int lda, T[] b, int bOffset, int ldb, T beta, T[] c, int cOffset, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (m == 0 || n == 0)
        {
            return;
        }
        var w = Vector<T>.Count;
        var nr = 2 * w;
        var panelsB = (n + nr - 1) / nr;
        var panelsA = (m + Mr - 1) / Mr;
        var packedB = ThreadScratch.Get(ref Scratch<T>.B, panelsB * nr * k);
        var packedA = ThreadScratch.Get(ref Scratch<T>.A, panelsA * Mr * k);
        {
            PackB(transB, n, k, b, bOffset, ldb, packedB, nr);
            PackA(transA, m, k, a, aOffset, lda, packedA);
            // Single-threaded: ParallelGemm splits large products across cores around this.
            for (var ip = 0; ip < panelsA; ip++)
            {
                RowPanel(ip, m, n, k, alpha, packedA, packedB, panelsB, nr, beta, c, cOffset, ldc);
            }
        }
    }

    /// <summary>Packing buffers per thread, grown as needed and kept: a steady state allocates nothing.</summary>
    private static class Scratch<T>
    {
        [ThreadStatic] public static T[]? A;
        [ThreadStatic] public static T[]? B;
    }

    /// <summary>op(B) as panels of nr columns: packed[panel][p·nr + j], zero-padded past n.</summary>
    private static void PackB<T>(bool transB, int n, int k, T[] b, int off, int ldb, T[] packed, int nr) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var panels = (n + nr - 1) / nr;
        for (var jp = 0; jp < panels; jp++)
        {
            var baseIndex = jp * nr * k;
            for (var p = 0; p < k; p++)
            {
                var dst = baseIndex + p * nr;
                for (var jj = 0; jj < nr; jj++)
                {
                    var j = jp * nr + jj;
                    packed[dst + jj] = j >= n ? T.Zero : transB ? b[off + j * ldb + p] : b[off + p * ldb + j];
                }
            }
        }
    }

    /// <summary>op(A) as panels of Mr rows: packed[panel][p·Mr + i], zero-padded past m.</summary>
    private static void PackA<T>(bool transA, int m, int k, T[] a, int off, int lda, T[] packed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var panels = (m + Mr - 1) / Mr;
        for (var ip = 0; ip < panels; ip++)
        {
            var baseIndex = ip * Mr * k;
            for (var ii = 0; ii < Mr; ii++)
            {
                var i = ip * Mr + ii;
                for (var p = 0; p < k; p++)
                {
                    packed[baseIndex + p * Mr + ii] = i >= m ? T.Zero : transA ? a[off + p * lda + i] : a[off + i * lda + p];
                }
            }
        }
    }

    private static void RowPanel<T>(int ip, int m, int n, int k, T alpha, T[] packedA, T[] packedB, int panelsB, int nr,
                                    T beta, T[] c, int cOffset, int ldc) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> tile = stackalloc T[Mr * 64];
        for (var jp = 0; jp < panelsB; jp++)
        {
            MicroKernel(k, packedA.AsSpan(ip * Mr * k, Mr * k), packedB.AsSpan(jp * nr * k, nr * k), tile, nr);
            var rows = Math.Min(Mr, m - ip * Mr);
            var cols = Math.Min(nr, n - jp * nr);
            for (var ii = 0; ii < rows; ii++)
            {
                var row = cOffset + (ip * Mr + ii) * ldc + jp * nr;
                for (var jj = 0; jj < cols; jj++)
                {
                    var v = alpha * tile[ii * nr + jj];
                    c[row + jj] = beta == T.Zero ? v : v + beta * c[row + jj];
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MicroKernel<T>(int k, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> tile, int nr) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var w = Vector<T>.Count;
        Vector<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        ref var aRef = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(a);
        ref var bRef = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(b);
        for (var p = 0; p < k; p++)
        {
            var b0 = Vector.LoadUnsafe(ref bRef, (nuint)(p * nr));
            var b1 = Vector.LoadUnsafe(ref bRef, (nuint)(p * nr + w));
            var ap = p * Mr;
            var a0 = new Vector<T>(Unsafe.Add(ref aRef, ap));
            var a1 = new Vector<T>(Unsafe.Add(ref aRef, ap + 1));
            var a2 = new Vector<T>(Unsafe.Add(ref aRef, ap + 2));
            var a3 = new Vector<T>(Unsafe.Add(ref aRef, ap + 3));
            c00 += a0 * b0;
            c01 += a0 * b1;
            c10 += a1 * b0;
            c11 += a1 * b1;
            c20 += a2 * b0;
            c21 += a2 * b1;
            c30 += a3 * b0;
            c31 += a3 * b1;
        }
        c00.CopyTo(tile[..]); c01.CopyTo(tile[w..]);
        c10.CopyTo(tile[nr..]); c11.CopyTo(tile[(nr + w)..]);
        c20.CopyTo(tile[(2 * nr)..]); c21.CopyTo(tile[(2 * nr + w)..]);
        c30.CopyTo(tile[(3 * nr)..]); c31.CopyTo(tile[(3 * nr + w)..]);
    }
}
