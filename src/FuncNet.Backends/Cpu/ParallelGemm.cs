using System.Numerics;

namespace FuncNet.Backends.Cpu;

/// <summary>
/// Picks how to run a GEMM by size: tiny products by the <see cref="TinyGemm"/> loop; large ones, for a
/// single-threaded inner GEMM, split into row (or, for short and wide products, column) blocks of C run on the <see cref="WorkerPool"/> (one set of
/// threads for the whole backend, no allocation per call); the rest straight to the inner GEMM. A provider
/// that threads itself well (OpenBLAS) is not split: measured here, its own partitioning beats ours.
/// </summary>
internal sealed class ParallelGemm(IGemm inner, bool split = true) : IGemm
{
    /// <summary>Below this many multiply-adds one core is faster than waking others.</summary>
    private const long SplitThreshold = 1L << 20;

    public string Name => inner.Name;

    public bool ServesFloat64 => inner.ServesFloat64;

    public void Gemm<T>(bool transA, bool transB, int m, int n, int k, T alpha,
                        T[] a, int aOffset, int lda, T[] b, int bOffset, int ldb, T beta, T[] c, int cOffset, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (TinyGemm.Serves(m, n, k))
        {
            TinyGemm.Gemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
            return;
        }
        if (!split || (long)m * n * k < SplitThreshold || WorkerPool.Threads == 1)
        {
            inner.Gemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
            return;
        }
        // One job per calling thread, reused: the caller waits for the pieces, so its job cannot be overwritten meanwhile.
        var job = Job<T>.ForThisThread ??= new Job<T>();
        job.Set(inner, transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
        WorkerPool.For(job.Pieces, job);
        job.Clear();
    }

    private sealed class Job<T> : IParallelWork where T : unmanaged, IFloatingPointIeee754<T>
    {
        [ThreadStatic] public static Job<T>? ForThisThread;

        private IGemm _gemm = null!;
        private bool _transA, _transB, _byRows;
        private int _m, _n, _k, _aOffset, _lda, _bOffset, _ldb, _cOffset, _ldc, _size;
        private T _alpha, _beta;
        private T[] _a = [], _b = [], _c = [];

        public int Pieces { get; private set; }

        public void Set(IGemm gemm, bool transA, bool transB, int m, int n, int k, T alpha,
                        T[] a, int aOffset, int lda, T[] b, int bOffset, int ldb, T beta, T[] c, int cOffset, int ldc)
        {
            (_gemm, _transA, _transB, _m, _n, _k, _alpha, _a, _aOffset, _lda, _b, _bOffset, _ldb, _beta, _c, _cOffset, _ldc) =
                (gemm, transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
            _byRows = m >= n || m >= 64 * WorkerPool.Threads;
            var extent = _byRows ? m : n;
            Pieces = Math.Min(WorkerPool.Threads, Math.Max(1, extent / 16));
            _size = (extent + Pieces - 1) / Pieces;
        }

        public void Clear() => (_a, _b, _c) = ([], [], []);

        public void RunPiece(int piece)
        {
            var extent = _byRows ? _m : _n;
            var first = piece * _size;
            var count = Math.Min(_size, extent - first);
            if (count <= 0) { return; }
            if (_byRows)
            {
                // Rows [first, first+count) of op(A): a row offset, or a column offset when A is stored transposed.
                var aOff = _aOffset + (_transA ? first : first * _lda);
                _gemm.Gemm(_transA, _transB, count, _n, _k, _alpha, _a, aOff, _lda, _b, _bOffset, _ldb, _beta, _c, _cOffset + first * _ldc, _ldc);
            }
            else
            {
                var bOff = _bOffset + (_transB ? first * _ldb : first);
                _gemm.Gemm(_transA, _transB, _m, count, _k, _alpha, _a, _aOffset, _lda, _b, bOff, _ldb, _beta, _c, _cOffset + first, _ldc);
            }
        }
    }
}
