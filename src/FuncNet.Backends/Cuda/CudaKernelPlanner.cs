using FuncNet.Expressions;
using FuncNet.Tensors;

namespace FuncNet.Backends.Cuda;

/// <summary>
/// Decides, for one node at concrete shapes, which <see cref="CudaStep"/> runs it and writes the CUDA C of
/// generated kernels. Pure: it needs no device and no NVRTC, so tests enumerate every kernel a graph
/// needs and compile them on machines without a GPU.
/// </summary>
internal static class CudaKernelPlanner
{
    /// <summary>The most blocks a grid-stride kernel launches; more only adds scheduling overhead.</summary>
    private const long MaxGrid = 1 << 20;

    /// <summary>The step for <paramref name="op"/> with inputs of the given shapes and dtypes, producing <paramref name="shape"/>.</summary>
    public static CudaStep Plan(Op op, IReadOnlyList<Shape> inputs, IReadOnlyList<DType> inputDTypes, Shape shape, DType dtype)
    {
        var floats = dtype.IsFloat() && inputDTypes.All(d => d == dtype);
        return op switch
        {
            ElementwiseOp e => Elementwise(e.Formula(Enumerable.Range(0, inputs.Count).Select(ScalarExpr.Arg).ToArray()),
                                           Enumerable.Range(0, inputs.Count).ToArray(), inputs, inputDTypes, shape, dtype, $"elementwise {e.Name}"),
            BroadcastLikeOp or BroadcastToOp => Elementwise(ScalarExpr.Arg(0), [0], [inputs[0]], [inputDTypes[0]], shape, dtype, $"broadcast {op.Name}"),
            TransposeOp t when t.Permutation.Count <= CudaStrides.MaxRank =>
                Strided(CudaStrides.Transpose(inputs[0], t.Permutation), inputDTypes[0], shape, dtype),
            MatMulOp m when floats => Gemm(m, inputs[0], inputs[1], shape, dtype),
            ReduceSumOp r when floats => Reduction(inputs[0], r.Axes, max: false, dtype),
            ReduceMaxOp r when floats => Reduction(inputs[0], r.Axes, max: true, dtype),
            SumToOp when floats => Reduction(inputs[0], new IntList(Broadcasting.BroadcastAxes(shape, inputs[0])), max: false, dtype),
            SoftmaxOp s when floats && s.Axis == inputs[0].Rank - 1 => Softmax(inputs[0], log: false, dtype),
            LogSoftmaxOp s when floats && s.Axis == inputs[0].Rank - 1 => Softmax(inputs[0], log: true, dtype),
            ReshapeOp or ExpandDimsOp when inputDTypes[0] == dtype => new CopyStep((long)shape.Size * dtype.SizeInBytes()),
            _ => new FallbackStep($"{op.Name} has no CUDA kernel"),
        };
    }

    private static uint Grid(long work) => (uint)Math.Clamp((work + CudaCodeGenerator.BlockSize - 1) / CudaCodeGenerator.BlockSize, 1, MaxGrid);

    /// <summary>
    /// A fused elementwise kernel. The output is split as rows × inner at the first axis where every input
    /// is full, a row, a column or a scalar (as on the CPU); when no split fits them all, the split that fits
    /// most is taken and the rest read through strides.
    /// </summary>
    internal static CudaStep Elementwise(ScalarExpr formula, int[] used, IReadOnlyList<Shape> inputs, IReadOnlyList<DType> inputDTypes, Shape shape, DType dtype, string kind)
    {
        CudaLayout?[]? best = null;
        var bestSplit = 0;
        var bestCount = -1;
        for (var d = 0; d <= shape.Rank; d++)
        {
            var layouts = inputs.Select(s => Classify(s, shape, d)).ToArray();
            var count = layouts.Count(l => l.HasValue);
            if (count > bestCount)
            {
                (best, bestSplit, bestCount) = (layouts, d, count);
            }
            if (count == inputs.Count) { break; }
        }
        var final = best!.Select(l => l ?? CudaLayout.Strided).ToArray();
        if (final.Contains(CudaLayout.Strided) && shape.Rank > CudaStrides.MaxRank)
        {
            return new FallbackStep($"{kind}: a broadcast of rank {shape.Rank} > {CudaStrides.MaxRank}");
        }
        long rows = 1;
        for (var a = 0; a < bestSplit; a++) { rows *= shape[a]; }
        var inner = shape.Size / Math.Max(1, rows);
        var strides = inputs.Select((s, k) => (s, k)).Where(t => final[t.k] == CudaLayout.Strided).Select(t => CudaStrides.Broadcast(t.s, shape)).ToArray();
        var source = CudaCodeGenerator.Elementwise(formula, inputDTypes, final, dtype);
        return new GeneratedStep(source, used, [shape.Size, inner], strides, Grid(shape.Size), $"{kind} [{string.Join(",", final)}]", final);
    }

    /// <summary>A copy through explicit strides (a transpose).</summary>
    private static CudaStep Strided(CudaStrides strides, DType input, Shape shape, DType dtype)
    {
        var source = CudaCodeGenerator.Elementwise(ScalarExpr.Arg(0), [input], [CudaLayout.Strided], dtype);
        return new GeneratedStep(source, [0], [shape.Size, 1], [strides], Grid(shape.Size), "transpose [Strided]", [CudaLayout.Strided]);
    }

    /// <summary>The backends' shared classification: how an input reads an output split at axis <paramref name="d"/>, or null.</summary>
    // CudaLayout extends BroadcastLayout's four values (same order) with Strided.
    internal static CudaLayout? Classify(Shape s, Shape output, int d) =>
        BroadcastLayouts.Classify(s, output, d) is { } layout ? (CudaLayout)layout : null;

    private static CudaStep Gemm(MatMulOp op, Shape a, Shape b, Shape shape, DType dtype)
    {
        var rank = shape.Rank;
        var batchShape = new Shape(shape.Take(rank - 2).ToArray());
        return new GemmStep(dtype, op.TransposeA, op.TransposeB, shape[-2], shape[-1], op.TransposeA ? a[-2] : a[-1], a[-1], b[-1],
            Broadcasting.SourceIndices(new Shape(a.Take(a.Rank - 2).ToArray()), batchShape),
            Broadcasting.SourceIndices(new Shape(b.Take(b.Rank - 2).ToArray()), batchShape),
            a[-2] * a[-1], b[-2] * b[-1]);
    }

    private static CudaStep Reduction(Shape x, IntList axes, bool max, DType dtype)
    {
        for (var i = 1; i < axes.Count; i++)
        {
            if (axes[i] != axes[i - 1] + 1) { return new FallbackStep("a reduction over non-adjacent axes"); }
        }
        long outer = 1, length = 1, inner = 1;
        for (var a = 0; a < x.Rank; a++)
        {
            if (axes.Count == 0 || a < axes[0]) { outer *= x[a]; }
            else if (a <= axes[^1]) { length *= x[a]; }
            else { inner *= x[a]; }
        }
        var rows = inner == 1;
        var source = CudaCodeGenerator.Reduction(dtype, max, rows);
        var grid = rows ? (uint)Math.Clamp(outer, 1, MaxGrid) : Grid(outer * inner);
        return new GeneratedStep(source, [0], [outer, length, inner], [], grid, $"{(max ? "max" : "sum")} over {(rows ? "rows" : "columns")}", []);
    }

    private static CudaStep Softmax(Shape x, bool log, DType dtype)
    {
        long length = x.Rank == 0 ? 1 : x[-1];
        var rows = x.Size / Math.Max(1, length);
        return new GeneratedStep(CudaCodeGenerator.Softmax(dtype, log), [0], [rows, length], [], (uint)Math.Clamp(rows, 1, MaxGrid), log ? "log-softmax" : "softmax", []);
    }
}
