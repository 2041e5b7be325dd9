using System.Numerics;
using System.Numerics.Tensors;

namespace FuncNet.Backends.Cpu;

/// <summary>
/// The CPU backend's specialized kernels for one float type: they return null when an op (or a layout of
/// it) has no specialization here, and the backend then runs the op's reference kernel.
/// </summary>
internal static class CpuKernels<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Below this many elements a kernel runs on one thread: a parallel launch costs more than it saves.</summary>
    private const int ParallelThreshold = 1 << 17;

    public static CpuTensor? TryRun(CpuBackend backend, IGemm gemm, Op op, CpuTensor[] args, Shape shape) => op switch
    {
        ElementwiseOp e => Elementwise(backend, e, args, shape),
        MatMulOp m => MatMul(backend, gemm, m, args, shape),
        ReduceSumOp r => Reduce(backend, args[0], r.Axes, shape, max: false),
        ReduceMaxOp r => Reduce(backend, args[0], r.Axes, shape, max: true),
        SumToOp => Reduce(backend, args[0], new IntList(Broadcasting.BroadcastAxes(shape, args[0].Shape)), shape, max: false),
        SoftmaxOp s when s.Axis == args[0].Shape.Rank - 1 => Softmax(backend, args[0], log: false),
        LogSoftmaxOp s when s.Axis == args[0].Shape.Rank - 1 => Softmax(backend, args[0], log: true),
        BroadcastLikeOp or BroadcastToOp => Broadcast(backend, args[0], shape),
        ReshapeOp or ExpandDimsOp => Copy(backend, args[0], shape),
        TransposeOp t when t.Permutation.Count == 2 => Transpose2D(backend, args[0], shape),
        _ => null,
    };

    // ---- elementwise ------------------------------------------------------------------------------------

    private enum Layout { Full, Row, Column, Scalar }

    private static CpuTensor? Elementwise(CpuBackend backend, ElementwiseOp op, CpuTensor[] args, Shape shape)
    {
        var rank = shape.Rank;
        var total = shape.Size;
        // Find a split of the output into rows × inner where every input is full, scalar, a repeated row
        // (bias) or a per-row scalar (column): that covers nearly every broadcast in practice.
        int split = -1;
        Layout[]? layouts = null;
        for (var d = 0; d <= rank && layouts is null; d++)
        {
            var candidate = new Layout[args.Length];
            var ok = true;
            for (var k = 0; k < args.Length && ok; k++)
            {
                var l = Classify(args[k].Shape, shape, d);
                ok = l.HasValue;
                candidate[k] = l.GetValueOrDefault();
            }
            if (ok) { layouts = candidate; split = d; }
        }
        if (layouts is null)
        {
            return null;
        }
        var rows = 1;
        for (var a = 0; a < split; a++) { rows *= shape[a]; }
        var inner = total / Math.Max(1, rows);
        var kernel = ElementwiseCompiler.Get<T>(op, layouts.Select(l => l is Layout.Column or Layout.Scalar).ToArray());
        var inputs = args.Select(a => a.As<T>()).ToArray();
        var result = backend.Allocate(shape, args[0].DType);
        var output = result.As<T>();
        var rowed = layouts.Any(l => l is Layout.Row or Layout.Column);
        if (!rowed)
        {
            // One contiguous range, cut into parallel chunks.
            Chunks(total, (start, count) =>
            {
                var starts = layouts.Select(l => l == Layout.Full ? start : 0).ToArray();
                kernel(inputs, starts, output, start, count);
            });
        }
        else
        {
            Chunks(rows, (first, count) =>
            {
                var starts = new int[args.Length];
                for (var r = first; r < first + count; r++)
                {
                    for (var k = 0; k < starts.Length; k++)
                    {
                        starts[k] = layouts[k] switch { Layout.Full => r * inner, Layout.Column => r, _ => 0 };
                    }
                    kernel(inputs, starts, output, r * inner, inner);
                }
            }, grain: Math.Max(1, ParallelThreshold / Math.Max(1, inner)));
        }
        return result;
    }

    /// <summary>How an input of shape <paramref name="s"/> reads the output split at axis d, or null when it is none of the four layouts.</summary>
    private static Layout? Classify(Shape s, Shape output, int d)
    {
        if (s.Size == output.Size) { return Layout.Full; }
        if (s.Size == 1) { return Layout.Scalar; }
        var rank = output.Rank;
        var off = rank - s.Rank;
        int Dim(int axis) => axis < off ? 1 : s[axis - off];
        bool row = true, column = true;
        for (var a = 0; a < rank; a++)
        {
            var same = Dim(a) == output[a];
            var one = Dim(a) == 1;
            if (a < d) { row &= one; column &= same; }
            else { row &= same; column &= one; }
        }
        return row ? Layout.Row : column ? Layout.Column : null;
    }

    private static void Chunks(int total, Action<int, int> body, int grain = ParallelThreshold)
    {
        var threads = Environment.ProcessorCount;
        if (total <= grain || threads == 1)
        {
            body(0, total);
            return;
        }
        var pieces = Math.Min(threads * 4, (total + grain - 1) / grain);
        var size = (total + pieces - 1) / pieces;
        Parallel.For(0, pieces, p =>
        {
            var start = p * size;
            var count = Math.Min(size, total - start);
            if (count > 0) { body(start, count); }
        });
    }

    // ---- GEMM -------------------------------------------------------------------------------------------

    private static CpuTensor MatMul(CpuBackend backend, IGemm gemm, MatMulOp op, CpuTensor[] args, Shape shape)
    {
        CpuTensor a = args[0], b = args[1];
        var rank = shape.Rank;
        int m = shape[-2], n = shape[-1];
        var k = op.TransposeA ? a.Shape[-2] : a.Shape[-1];
        var batchShape = new Shape(shape.Take(rank - 2).ToArray());
        var batches = batchShape.Size;
        var mapA = Broadcasting.SourceIndices(new Shape(a.Shape.Take(a.Shape.Rank - 2).ToArray()), batchShape);
        var mapB = Broadcasting.SourceIndices(new Shape(b.Shape.Take(b.Shape.Rank - 2).ToArray()), batchShape);
        int sizeA = a.Shape[-2] * a.Shape[-1], sizeB = b.Shape[-2] * b.Shape[-1];
        var result = backend.Allocate(shape, a.DType);
        var c = result.As<T>();
        for (var batch = 0; batch < batches; batch++)
        {
            if (k == 0)
            {
                Array.Clear(c, batch * m * n, m * n);
                continue;
            }
            gemm.Gemm(op.TransposeA, op.TransposeB, m, n, k, T.One,
                      a.As<T>(), mapA[batch] * sizeA, a.Shape[-1],
                      b.As<T>(), mapB[batch] * sizeB, b.Shape[-1],
                      T.Zero, c, batch * m * n, n);
        }
        return result;
    }

    // ---- reductions -------------------------------------------------------------------------------------

    private static CpuTensor? Reduce(CpuBackend backend, CpuTensor x, IntList axes, Shape shape, bool max)
    {
        if (axes.Count == 0)
        {
            return Copy(backend, x, shape);
        }
        for (var i = 1; i < axes.Count; i++)
        {
            if (axes[i] != axes[i - 1] + 1) { return null; }
        }
        int outer = 1, length = 1, inner = 1;
        for (var a = 0; a < x.Shape.Rank; a++)
        {
            if (a < axes[0]) { outer *= x.Shape[a]; }
            else if (a <= axes[^1]) { length *= x.Shape[a]; }
            else { inner *= x.Shape[a]; }
        }
        var input = x.As<T>();
        var result = backend.Allocate(shape, x.DType);
        var output = result.As<T>();
        if (inner == 1)
        {
            Chunks(outer, (first, count) =>
            {
                for (var o = first; o < first + count; o++)
                {
                    var lane = input.AsSpan(o * length, length);
                    output[o] = length == 0 ? (max ? T.NegativeInfinity : T.Zero) : max ? TensorPrimitives.Max<T>(lane) : TensorPrimitives.Sum<T>(lane);
                }
            }, grain: Math.Max(1, ParallelThreshold / Math.Max(1, length)));
        }
        else
        {
            Chunks(outer, (first, count) =>
            {
                for (var o = first; o < first + count; o++)
                {
                    var dst = output.AsSpan(o * inner, inner);
                    if (length == 0)
                    {
                        dst.Fill(max ? T.NegativeInfinity : T.Zero);
                        continue;
                    }
                    input.AsSpan(o * length * inner, inner).CopyTo(dst);
                    for (var r = 1; r < length; r++)
                    {
                        var src = input.AsSpan((o * length + r) * inner, inner);
                        if (max) { TensorPrimitives.Max<T>(dst, src, dst); }
                        else { TensorPrimitives.Add<T>(dst, src, dst); }
                    }
                }
            }, grain: 1);
        }
        return result;
    }

    // ---- softmax ----------------------------------------------------------------------------------------

    private static CpuTensor Softmax(CpuBackend backend, CpuTensor x, bool log)
    {
        var length = x.Shape.Rank == 0 ? 1 : x.Shape[-1];
        var rows = x.Shape.Size / Math.Max(1, length);
        var input = x.As<T>();
        var result = backend.Allocate(x.Shape, x.DType);
        var output = result.As<T>();
        Chunks(rows, (first, count) =>
        {
            for (var r = first; r < first + count; r++)
            {
                var src = input.AsSpan(r * length, length);
                var dst = output.AsSpan(r * length, length);
                var maxValue = TensorPrimitives.Max<T>(src);
                TensorPrimitives.Subtract(src, maxValue, dst);
                if (log)
                {
                    // log softmax = (x − max) − log Σ exp(x − max); the exponentials go through a scratch row.
                    var scratch = System.Buffers.ArrayPool<T>.Shared.Rent(length);
                    var e = scratch.AsSpan(0, length);
                    TensorPrimitives.Exp<T>(dst, e);
                    var logSum = T.Log(TensorPrimitives.Sum<T>(e));
                    System.Buffers.ArrayPool<T>.Shared.Return(scratch);
                    TensorPrimitives.Subtract(dst, logSum, dst);
                }
                else
                {
                    TensorPrimitives.Exp<T>(dst, dst);
                    var sum = TensorPrimitives.Sum<T>(dst);
                    TensorPrimitives.Divide(dst, sum, dst);
                }
            }
        }, grain: Math.Max(1, ParallelThreshold / Math.Max(1, length)));
        return result;
    }

    // ---- data movement ----------------------------------------------------------------------------------

    private static CpuTensor? Broadcast(CpuBackend backend, CpuTensor x, Shape shape)
    {
        var layout = Enumerable.Range(0, shape.Rank + 1).Select(d => (d, l: Classify(x.Shape, shape, d))).FirstOrDefault(p => p.l.HasValue);
        if (layout.l is null)
        {
            return null;
        }
        var input = x.As<T>();
        var result = backend.Allocate(shape, x.DType);
        var output = result.As<T>();
        var rows = 1;
        for (var a = 0; a < layout.d; a++) { rows *= shape[a]; }
        var inner = shape.Size / Math.Max(1, rows);
        switch (layout.l)
        {
            case Layout.Full: input.AsSpan(0, shape.Size).CopyTo(output); break;
            case Layout.Scalar: output.AsSpan(0, shape.Size).Fill(input[0]); break;
            case Layout.Row:
                for (var r = 0; r < rows; r++) { input.AsSpan(0, inner).CopyTo(output.AsSpan(r * inner, inner)); }
                break;
            default:
                for (var r = 0; r < rows; r++) { output.AsSpan(r * inner, inner).Fill(input[r]); }
                break;
        }
        return result;
    }

    private static CpuTensor Copy(CpuBackend backend, CpuTensor x, Shape shape)
    {
        var result = backend.Allocate(shape, x.DType);
        x.As<T>().AsSpan(0, shape.Size).CopyTo(result.As<T>());
        return result;
    }

    private static CpuTensor Transpose2D(CpuBackend backend, CpuTensor x, Shape shape)
    {
        int rows = x.Shape[0], cols = x.Shape[1];
        var input = x.As<T>();
        var result = backend.Allocate(shape, x.DType);
        var output = result.As<T>();
        const int block = 32;
        for (var i0 = 0; i0 < rows; i0 += block)
        {
            for (var j0 = 0; j0 < cols; j0 += block)
            {
                for (var i = i0; i < Math.Min(rows, i0 + block); i++)
                {
                    for (var j = j0; j < Math.Min(cols, j0 + block); j++)
                    {
                        output[j * rows + i] = input[i * cols + j];
                    }
                }
            }
        }
        return result;
    }
}
