using System.Numerics;
using System.Numerics.Tensors;
using FuncNet.Expressions;
using FuncNet.Lowering;
using FuncNet.Tensors;

namespace FuncNet.Backends.Cpu;

/// <summary>
/// The CPU backend's specialized kernels for one float type: they return null when an op (or a layout of
/// it) has no specialization here, and the backend then runs the op's reference kernel.
/// </summary>
internal static class CpuKernels<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Below this many elements a kernel runs on one thread: a parallel launch costs more than it saves.</summary>
    private const int ParallelThreshold = 1 << 17;

    /// <summary>A kernel for the kind of node lowered to these shapes, or null when this backend has none for it (or for its layout).</summary>
    public static IKernel? Prepare(IGemm gemm, KernelKind kind, IReadOnlyList<Shape> inputs, Shape shape) => kind switch
    {
        ElementwiseKind e => ElementwiseKernel.TryCreate(e, inputs, shape),
        GemmKind g => new GemmKernel(gemm, g),
        ReductionKind r => new ReduceKernel(r.Outer, r.Length, r.Inner, r.Max),
        SplitReductionKind r => new SplitReduceKernel(r),
        RowSoftmaxKind s => new SoftmaxKernel(s.Rows, s.Length, s.Log),
        CopyKind c => new CopyKernel(c.Size),
        StridedCopyKind c => new StridedCopyKernel(c),
        ConcatKind c => new ConcatKernel(c),
        PadIntoKind p => new PadIntoKernel(p),
        FillKind f => new FillKernel(T.CreateTruncating(f.Value)),
        ConvolutionKind c => new ConvolutionKernel<T>(gemm, c),
        PoolingKind p => new PoolingKernel<T>(p),
        _ => null,
    };

    // ---- elementwise ------------------------------------------------------------------------------------

    /// <summary>
    /// A fused elementwise map. The output is seen as rows × inner where every input is full, scalar, a
    /// repeated row (a bias) or a per-row scalar (a column): that covers nearly every broadcast in
    /// practice; other broadcasts fall back to the reference kernel.
    /// </summary>
    private sealed class ElementwiseKernel : IKernel, IParallelWork
    {
        private readonly BroadcastLayout[] _layouts;
        private readonly int _rows;
        private readonly int _inner;
        private readonly int _total;
        private readonly ElementwiseKernel<T> _kernel;
        private readonly T[][] _inputs;
        private readonly int[] _starts;
        private readonly bool _rowed;
        private readonly int[][] _pieceStarts;
        private readonly int[] _rowStrides;
        private readonly T[]?[]? _expanded;
        private readonly BroadcastLayout[] _original;
        private readonly int[] _used;
        private readonly T[]?[] _tiled;
        private readonly int[] _periods;
        private T[] _output = [];

        private ElementwiseKernel(BroadcastLayout[] layouts, int split, Shape shape, ElementwiseKernel<T> kernel, bool expand, int[] used, int[] periods)
        {
            _used = used;
            _layouts = layouts;
            _original = layouts;
            _total = shape.Size;
            // Both from the dimensions, not one from the other: with a zero-size dimension the total is 0 and
            // says nothing about the rows or the row length.
            _rows = 1;
            for (var a = 0; a < split; a++) { _rows *= shape[a]; }
            _inner = 1;
            for (var a = split; a < shape.Rank; a++) { _inner *= shape[a]; }
            _kernel = kernel;
            // A tiled column (period > 0) is written out as a plain column of one value per row once per run:
            // rows values, a few thousand for a per-channel bias, so the vectorized row loop serves it too.
            _tiled = periods.Select(p => p > 0 ? new T[_rows] : null).ToArray();
            _periods = periods;
            _inputs = new T[layouts.Length][];
            _starts = new int[layouts.Length];
            _rowed = layouts.Any(l => l is BroadcastLayout.Row or BroadcastLayout.Column);
            _pieceStarts = Enumerable.Range(0, WorkerPool.SuggestedPieces).Select(_ => new int[layouts.Length]).ToArray();
            // How far each input's start moves from one output row to the next.
            _rowStrides = layouts.Select(l => l switch { BroadcastLayout.Full => _inner, BroadcastLayout.Column => 1, _ => 0 }).ToArray();
            if (expand)
            {
                // Rows too short for a vector: broadcast the row and column inputs into full scratch copies
                // once, then run one vectorized pass over the whole output instead of many short rows.
                _expanded = layouts.Select(l => l is BroadcastLayout.Row or BroadcastLayout.Column ? new T[_total] : null).ToArray();
                _layouts = layouts.Select(l => l is BroadcastLayout.Row or BroadcastLayout.Column ? BroadcastLayout.Full : l).ToArray();
                _rowed = false;
            }
        }

        public static IKernel? TryCreate(ElementwiseKind kind, IReadOnlyList<Shape> nodeInputs, Shape shape)
        {
            var inputs = kind.Inputs.Select(i => nodeInputs[i]).ToArray();
            // First the four plain layouts at any split; only then tiled columns (a per-channel bias over NCHW).
            return TryCreate(kind, inputs, shape, tiled: false) ?? TryCreate(kind, inputs, shape, tiled: true);
        }

        private static IKernel? TryCreate(ElementwiseKind kind, Shape[] inputs, Shape shape, bool tiled)
        {
            for (var d = 0; d <= shape.Rank; d++)
            {
                var layouts = new BroadcastLayout[inputs.Length];
                var periods = new int[inputs.Length];
                var ok = true;
                for (var k = 0; k < inputs.Length && ok; k++)
                {
                    var l = BroadcastLayouts.Classify(inputs[k], shape, d);
                    if (l is null && tiled && BroadcastLayouts.TiledColumnPeriod(inputs[k], shape, d) is { } period)
                    {
                        l = BroadcastLayout.Column;
                        periods[k] = period;
                    }
                    ok = l.HasValue;
                    layouts[k] = l.GetValueOrDefault();
                }
                if (ok)
                {
                    var inner = 1;
                    for (var a = d; a < shape.Rank; a++) { inner *= shape[a]; }
                    var expand = layouts.Any(l => l is BroadcastLayout.Row or BroadcastLayout.Column) && inner < 2 * Vector<T>.Count;
                    var kernel = ElementwiseCompiler.Get<T>(kind.Formula, layouts.Select(l => l is BroadcastLayout.Scalar || (l is BroadcastLayout.Column && !expand)).ToArray());
                    return new ElementwiseKernel(layouts, d, shape, kernel, expand, kind.Inputs.ToArray(), periods);
                }
            }
            return null;
        }

        public void Run(DeviceTensor[] inputs, DeviceTensor output)
        {
            if (_total == 0)
            {
                return;
            }
            for (var k = 0; k < _inputs.Length; k++)
            {
                var data = ((CpuTensor)inputs[_used[k]]).As<T>();
                if (_tiled[k] is { } column)
                {
                    Tile(data, _periods[k], column);
                    data = column;
                }
                if (_expanded?[k] is { } full)
                {
                    Expand(data, full, _original[k]);
                    data = full;
                }
                _inputs[k] = data;
            }
            _output = ((CpuTensor)output).As<T>();
            if (_total <= ParallelThreshold)
            {
                RunPiece(-1);
            }
            else
            {
                WorkerPool.For(Math.Min(_pieceStarts.Length, _rowed ? _rows : _total), this);
            }
        }

        /// <summary>Piece -1 is the whole output; otherwise a share of the elements (or of the rows).</summary>
        public void RunPiece(int piece)
        {
            var extent = _rowed ? _rows : _total;
            var (start, count) = piece < 0 ? (0, extent) : Piece(piece, Math.Min(_pieceStarts.Length, extent), extent);
            var starts = piece < 0 ? _starts : _pieceStarts[piece];
            if (count <= 0) { return; }
            if (_rowed) { RunRows(start, count, starts); }
            else { RunRange(start, count, starts); }
        }

        /// <summary>Repeats a tiled column's period down the rows: column[r] = source[r % period].</summary>
        private static void Tile(T[] source, int period, T[] column)
        {
            for (var start = 0; start < column.Length; start += period)
            {
                source.AsSpan(0, Math.Min(period, column.Length - start)).CopyTo(column.AsSpan(start));
            }
        }

        /// <summary>Writes a row (repeated down) or column (repeated across) input into a full-size copy.</summary>
        private void Expand(T[] source, T[] full, BroadcastLayout layout)
        {
            if (layout == BroadcastLayout.Row)
            {
                for (var r = 0; r < _rows; r++) { source.AsSpan(0, _inner).CopyTo(full.AsSpan(r * _inner, _inner)); }
            }
            else
            {
                for (var r = 0; r < _rows; r++) { full.AsSpan(r * _inner, _inner).Fill(source[r]); }
            }
        }

        private void RunRange(int start, int count, int[] starts)
        {
            for (var k = 0; k < starts.Length; k++) { starts[k] = _layouts[k] == BroadcastLayout.Full ? start : 0; }
            _kernel(_inputs, starts, _rowStrides, _output, start, count, 1);
        }

        private void RunRows(int first, int count, int[] starts)
        {
            for (var k = 0; k < starts.Length; k++)
            {
                starts[k] = _layouts[k] switch { BroadcastLayout.Full => first * _inner, BroadcastLayout.Column => first, _ => 0 };
            }
            _kernel(_inputs, starts, _rowStrides, _output, first * _inner, _inner, count);
        }
    }

    /// <summary>Piece p of <paramref name="total"/> items cut into <paramref name="pieces"/> near-equal parts.</summary>
    private static (int Start, int Count) Piece(int p, int pieces, int total)
    {
        var size = (total + pieces - 1) / pieces;
        var start = p * size;
        return (start, Math.Min(size, total - start));
    }

    // ---- GEMM -------------------------------------------------------------------------------------------

    /// <summary>A (batched) GEMM as one call per batch, transpose flags passed through.</summary>
    private sealed class GemmKernel(IGemm gemm, GemmKind g) : IKernel
    {
        private readonly T _alpha = T.CreateTruncating(g.Alpha), _beta = T.CreateTruncating(g.Beta);

        public void Run(DeviceTensor[] inputs, DeviceTensor output)
        {
            // An empty product writes nothing: no GEMM call, whose leading dimensions would be 0 and whose
            // pointers would not describe live buffers.
            if (g.M == 0 || g.N == 0)
            {
                return;
            }
            T[] a = ((CpuTensor)inputs[0]).As<T>(), b = ((CpuTensor)inputs[1]).As<T>(), c = ((CpuTensor)output).As<T>();
            var sizeC = g.M * g.N;
            for (var batch = 0; batch < g.Batches; batch++)
            {
                if (g.K == 0)
                {
                    Array.Clear(c, batch * sizeC, sizeC);
                    continue;
                }
                gemm.Gemm(g.TransposeA, g.TransposeB, g.M, g.N, g.K, _alpha, a, g.OffsetsA[batch], g.Lda,
                          b, g.OffsetsB[batch], g.Ldb, _beta, c, batch * sizeC, g.Ldc);
            }
        }
    }

    // ---- reductions -------------------------------------------------------------------------------------

    /// <summary>A sum or max over one contiguous run of axes, seen as (outer, length, inner).</summary>
    private sealed class ReduceKernel : IKernel
    {
        private readonly int _outer, _length, _inner;
        private readonly bool _max;

        public ReduceKernel(int outer, int length, int inner, bool max) => (_outer, _length, _inner, _max) = (outer, length, inner, max);

        public void Run(DeviceTensor[] inputs, DeviceTensor output)
        {
            var input = ((CpuTensor)inputs[0]).As<T>();
            var result = ((CpuTensor)output).As<T>();
            var empty = _max ? T.NegativeInfinity : T.Zero;
            for (var o = 0; o < _outer; o++)
            {
                if (_inner == 1)
                {
                    var lane = input.AsSpan(o * _length, _length);
                    result[o] = _length == 0 ? empty : _length < ShortLane ? ShortReduce(lane, _max) : _max ? TensorPrimitives.Max<T>(lane) : TensorPrimitives.Sum<T>(lane);
                    continue;
                }
                var dst = result.AsSpan(o * _inner, _inner);
                if (_length == 0)
                {
                    dst.Fill(empty);
                    continue;
                }
                input.AsSpan(o * _length * _inner, _inner).CopyTo(dst);
                for (var r = 1; r < _length; r++)
                {
                    var src = input.AsSpan((o * _length + r) * _inner, _inner);
                    if (_inner < ShortLane)
                    {
                        // Short rows (a bias of two classes): plain loops beat a vectorized call per row.
                        for (var i = 0; i < _inner; i++)
                        {
                            dst[i] = _max ? (T.IsNaN(dst[i]) || T.IsNaN(src[i]) ? T.NaN : T.Max(dst[i], src[i])) : dst[i] + src[i];
                        }
                    }
                    else if (_max) { TensorPrimitives.Max<T>(dst, src, dst); }
                    else { TensorPrimitives.Add<T>(dst, src, dst); }
                }
            }
        }
    }

    /// <summary>A sum or max over the outer and inner axes of (outer, kept, inner), one vectorized pass per contiguous lane.</summary>
    private sealed class SplitReduceKernel(SplitReductionKind kind) : IKernel
    {
        public void Run(DeviceTensor[] inputs, DeviceTensor output)
        {
            var input = ((CpuTensor)inputs[0]).As<T>();
            var result = ((CpuTensor)output).As<T>().AsSpan(0, kind.Kept);
            result.Fill(kind.Max ? T.NegativeInfinity : T.Zero);
            if (kind.Inner == 0) { return; }
            for (var o = 0; o < kind.Outer; o++)
            {
                for (var c = 0; c < kind.Kept; c++)
                {
                    var lane = input.AsSpan((o * kind.Kept + c) * kind.Inner, kind.Inner);
                    var value = lane.Length < ShortLane ? ShortReduce(lane, kind.Max) : kind.Max ? TensorPrimitives.Max<T>(lane) : TensorPrimitives.Sum<T>(lane);
                    result[c] = kind.Max ? (T.IsNaN(result[c]) || T.IsNaN(value) ? T.NaN : T.Max(result[c], value)) : result[c] + value;
                }
            }
        }
    }

    /// <summary>Lanes shorter than this are reduced with a plain loop: a vectorized call costs more than a few adds.</summary>
    private const int ShortLane = 16;

    private static T ShortReduce(ReadOnlySpan<T> lane, bool max)
    {
        var acc = lane[0];
        for (var i = 1; i < lane.Length; i++)
        {
            acc = max ? (T.IsNaN(acc) || T.IsNaN(lane[i]) ? T.NaN : T.Max(acc, lane[i])) : acc + lane[i];
        }
        return acc;
    }

    // ---- softmax ----------------------------------------------------------------------------------------

    /// <summary>
    /// Softmax or log-softmax along the last axis, stable (the row maximum is subtracted first). Long rows go
    /// row by row through vectorized primitives; short rows (the curriculum's two classes) are done for the
    /// whole tensor at once, so the exponentials and logarithms still run vectorized.
    /// </summary>
    private sealed class SoftmaxKernel(int rows, int length, bool log) : IKernel
    {
        private readonly int _length = length;
        // A row is never longer than the whole tensor, and an empty tensor needs no scratch: sizing it by the
        // row length would allocate Int32.MaxValue elements for a (0, 2147483647) input.
        private readonly T[] _scratch = new T[rows * length];
        private readonly T[] _rowValues = new T[rows];

        public void Run(DeviceTensor[] inputs, DeviceTensor output)
        {
            if (_scratch.Length == 0)
            {
                return;
            }
            var input = ((CpuTensor)inputs[0]).As<T>();
            var result = ((CpuTensor)output).As<T>();
            if (_length < ShortLane)
            {
                RunShortRows(input, result);
                return;
            }
            for (var r = 0; r < _rowValues.Length; r++)
            {
                var src = input.AsSpan(r * _length, _length);
                var dst = result.AsSpan(r * _length, _length);
                TensorPrimitives.Subtract(src, TensorPrimitives.Max<T>(src), dst);
                if (log)
                {
                    // log softmax = (x − max) − log Σ exp(x − max)
                    var e = _scratch.AsSpan(0, _length);
                    TensorPrimitives.Exp<T>(dst, e);
                    TensorPrimitives.Subtract(dst, T.Log(TensorPrimitives.Sum<T>(e)), dst);
                }
                else
                {
                    TensorPrimitives.Exp<T>(dst, dst);
                    TensorPrimitives.Divide(dst, TensorPrimitives.Sum<T>(dst), dst);
                }
            }
        }

        private void RunShortRows(T[] input, T[] result)
        {
            var rows = _rowValues.Length;
            var size = rows * _length;
            for (var r = 0; r < rows; r++)
            {
                var src = input.AsSpan(r * _length, _length);
                var max = ShortReduce(src, max: true);
                for (var i = 0; i < _length; i++) { result[r * _length + i] = src[i] - max; }
            }
            var e = _scratch.AsSpan(0, size);
            TensorPrimitives.Exp<T>(result.AsSpan(0, size), e);
            for (var r = 0; r < rows; r++) { _rowValues[r] = ShortReduce(e.Slice(r * _length, _length), max: false); }
            if (log)
            {
                TensorPrimitives.Log<T>(_rowValues, _rowValues);
                for (var r = 0; r < rows; r++)
                {
                    for (var i = 0; i < _length; i++) { result[r * _length + i] -= _rowValues[r]; }
                }
            }
            else
            {
                for (var r = 0; r < rows; r++)
                {
                    for (var i = 0; i < _length; i++) { result[r * _length + i] = e[r * _length + i] / _rowValues[r]; }
                }
            }
        }
    }

    // ---- data movement ----------------------------------------------------------------------------------

    /// <summary>A plain copy (a reshape the plan could not alias).</summary>
    private sealed class CopyKernel(int size) : IKernel
    {
        public void Run(DeviceTensor[] inputs, DeviceTensor output) =>
            ((CpuTensor)inputs[0]).As<T>().AsSpan(0, size).CopyTo(((CpuTensor)output).As<T>());
    }

    /// <summary>Writes one known value (a size known once the shapes are).</summary>
    private sealed class FillKernel(T value) : IKernel
    {
        public void Run(DeviceTensor[] inputs, DeviceTensor output) => ((CpuTensor)output).As<T>().AsSpan(0, output.Shape.Size).Fill(value);
    }

    /// <summary>
    /// A transpose or broadcast as one walk over the output: the innermost axis is a span copy (stride 1), a
    /// fill (stride 0) or a gather; the outer axes step an odometer. The kind has merged axes already, so a
    /// bias broadcast is a row copy per row and a full one a single copy.
    /// </summary>
    private sealed class StridedCopyKernel(StridedCopyKind kind) : IKernel
    {
        private readonly int[] _dims = kind.Dims.ToArray();
        private readonly int[] _strides = kind.Strides.ToArray();
        private readonly int _size = kind.Size;

        public void Run(DeviceTensor[] inputs, DeviceTensor output)
        {
            if (_size == 0)
            {
                return;
            }
            var input = ((CpuTensor)inputs[0]).As<T>();
            var result = ((CpuTensor)output).As<T>();
            if (_dims.Length == 0)
            {
                // One element (every axis of length 1 merged away): a slice still reads from its corner.
                result[0] = input[kind.Offset];
                return;
            }
            var rank = _dims.Length;
            int inner = _dims[^1], stride = _strides[^1];
            Span<int> index = stackalloc int[rank];
            var source = kind.Offset;
            for (var start = 0; start < _size; start += inner)
            {
                var dst = result.AsSpan(start, inner);
                if (stride == 1) { input.AsSpan(source, inner).CopyTo(dst); }
                else if (stride == 0) { dst.Fill(input[source]); }
                else
                {
                    for (var i = 0; i < inner; i++) { dst[i] = input[source + i * stride]; }
                }
                // Step the outer axes (all but the last) like an odometer.
                for (var a = rank - 2; a >= 0; a--)
                {
                    index[a]++;
                    source += _strides[a];
                    if (index[a] < _dims[a]) { break; }
                    source -= _strides[a] * index[a];
                    index[a] = 0;
                }
            }
        }
    }

    /// <summary>Each output row as one span copy per input: the inputs' rows, in order.</summary>
    private sealed class ConcatKernel(ConcatKind kind) : IKernel
    {
        private readonly int[] _blocks = kind.Blocks.ToArray();
        private readonly int _row = kind.Row;

        public void Run(DeviceTensor[] inputs, DeviceTensor output)
        {
            var result = ((CpuTensor)output).As<T>();
            var start = 0;
            for (var k = 0; k < _blocks.Length; k++)
            {
                var block = _blocks[k];
                if (block > 0)
                {
                    var input = ((CpuTensor)inputs[k]).As<T>();
                    for (var o = 0; o < kind.Outer; o++) { input.AsSpan(o * block, block).CopyTo(result.AsSpan(o * _row + start, block)); }
                }
                start += block;
            }
        }
    }

    /// <summary>Clears the output, then copies the block in one innermost row at a time, stepping the outer axes like an odometer.</summary>
    private sealed class PadIntoKernel(PadIntoKind kind) : IKernel
    {
        private readonly int[] _block = kind.Block.ToArray();
        private readonly int[] _strides = OutputStrides(kind);
        private readonly int _corner = kind.Begin.Zip(OutputStrides(kind), (b, s) => b * s).Sum();
        private readonly int _size = kind.Block.Aggregate(1, (p, d) => p * d);

        private static int[] OutputStrides(PadIntoKind k) => new Shape(k.Dims.ToArray()).Strides();

        public void Run(DeviceTensor[] inputs, DeviceTensor output)
        {
            var result = ((CpuTensor)output).As<T>();
            result.AsSpan(0, output.Shape.Size).Clear();
            if (_size == 0)
            {
                return;
            }
            var block = ((CpuTensor)inputs[0]).As<T>();
            if (_block.Length == 0)
            {
                result[0] = block[0];
                return;
            }
            var rank = _block.Length;
            var inner = _block[^1];
            Span<int> index = stackalloc int[rank];
            var target = _corner;
            for (var start = 0; start < _size; start += inner)
            {
                block.AsSpan(start, inner).CopyTo(result.AsSpan(target, inner));
                for (var a = rank - 2; a >= 0; a--)
                {
                    index[a]++;
                    target += _strides[a];
                    if (index[a] < _block[a]) { break; }
                    target -= _strides[a] * index[a];
                    index[a] = 0;
                }
            }
        }
    }
}
