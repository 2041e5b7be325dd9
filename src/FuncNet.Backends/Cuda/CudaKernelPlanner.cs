using FuncNet.Expressions;
using FuncNet.Lowering;
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

    /// <summary>
    /// The step for <paramref name="op"/> with inputs of the given shapes and dtypes, producing <paramref name="shape"/>;
    /// a convolution's scratch stays within <paramref name="convolutionScratchBytes"/> (<see cref="CudaOptions.ConvolutionScratchBytes"/>).
    /// </summary>
    public static CudaStep Plan(Op op, IReadOnlyList<Shape> inputs, IReadOnlyList<DType> inputDTypes, Shape shape, DType dtype,
                                long convolutionScratchBytes = DefaultConvolutionScratchBytes) =>
        Plan(op.Lower(inputs, inputDTypes, shape, dtype), inputs, inputDTypes, shape, dtype, convolutionScratchBytes);

    /// <summary>The step for a node lowered to <paramref name="kind"/>; a kind or layout this backend cannot do is a <see cref="FallbackStep"/>.</summary>
    public static CudaStep Plan(KernelKind kind, IReadOnlyList<Shape> inputs, IReadOnlyList<DType> inputDTypes, Shape shape, DType dtype,
                                long convolutionScratchBytes = DefaultConvolutionScratchBytes)
    {
        var floats = dtype.IsFloat() && inputDTypes.All(d => d == dtype);
        return kind switch
        {
            ElementwiseKind e => Elementwise(e.Formula, e.Inputs.ToArray(), e.Inputs.Select(i => inputs[i]).ToArray(),
                                             e.Inputs.Select(i => inputDTypes[i]).ToArray(), shape, dtype, e.Describe()),
            StridedCopyKind c when inputDTypes[0] == dtype => StridedCopy(c, dtype),
            GemmKind g when floats => new GemmStep(dtype, g),
            ReductionKind r when floats => Reduction(r, dtype),
            SplitReductionKind s when floats => SplitReduction(s, dtype),
            ConvolutionKind c when floats => Convolution(c, dtype, convolutionScratchBytes),
            PoolingKind p when floats => Pooling(p, dtype),
            RowSoftmaxKind s when floats => Softmax(s, dtype),
            CopyKind c when inputDTypes[0] == dtype => new CopyStep((long)c.Size * dtype.SizeInBytes()),
            ConcatKind c when inputDTypes.All(d => d == dtype) => Concat(c, shape, dtype),
            PadIntoKind p when inputDTypes[0] == dtype => PadInto(p, dtype),
            FillKind f => Fill(f, shape, dtype),
            RandomKind r => Random(r, dtype),
            GatherKind g when inputDTypes[0] == dtype => Gather(g, dtype),
            ReferenceOnlyKind r => new FallbackStep(r.Reason),
            _ => new FallbackStep($"{kind.Describe()} has no CUDA kernel for inputs {string.Join(", ", inputDTypes)} → {dtype}"),
        };
    }

    /// <summary>A counter-based draw or key split: <c>entry(out, key, perKey, total)</c>, the Reference backend's bits.</summary>
    private static GeneratedStep Random(RandomKind r, DType dtype)
    {
        var total = (long)r.Keys * r.PerKey;
        var source = r.Distribution switch
        {
            RandomDistribution.Split => CudaRandomAndGatherKernels.SplitKernel(),
            RandomDistribution.Uniform => CudaRandomAndGatherKernels.DrawKernel(CudaRandomAndGatherKernels.Draw.Uniform, dtype),
            RandomDistribution.Normal => CudaRandomAndGatherKernels.DrawKernel(CudaRandomAndGatherKernels.Draw.Normal, dtype),
            _ => CudaRandomAndGatherKernels.DrawKernel(CudaRandomAndGatherKernels.Draw.Bernoulli, dtype, r.P),
        };
        return new GeneratedStep(CudaRandomAndGatherKernels.PhiloxPrelude + source, [0], [Math.Max(1, r.PerKey), total], [], Grid(total), r.Describe(), []);
    }

    /// <summary>The most bytes a convolution's column scratch (with the filter gradient's regrouped output gradients) takes by default.</summary>
    internal const long DefaultConvolutionScratchBytes = 256L << 20;

    /// <summary>
    /// A convolution pass over chunks of images: forward and filter gradient unfold a chunk with im2col, the input
    /// gradient folds a chunk's columns back with col2im. A chunk is as many images as fit <paramref name="scratchBytes"/>;
    /// an image whose columns alone exceed it runs alone.
    /// </summary>
    private static CudaStep Convolution(ConvolutionKind c, DType dtype, long scratchBytes)
    {
        var output = c.Geometry.Check(c.Describe(), c.Image, c.Filter);
        long positions = (long)output[2] * output[3];
        var columns = (long)c.Image[1] * c.Filter[2] * c.Filter[3] * positions;
        if (columns > int.MaxValue)
        {
            return new FallbackStep($"{c.Describe()}: one image's {columns:N0} column entries exceed a scratch tensor's size");
        }
        var filterGradient = c.Pass == ConvolutionPass.FilterGradient;
        var gradients = filterGradient ? c.Filter[0] * positions : 0;
        var perImage = Math.Max(1, (columns + gradients) * dtype.SizeInBytes());
        // A chunk's scratch is one tensor, so its element count (and cuBLAS's int dimensions) stays below 2³¹ whatever the budget.
        var fits = Math.Min(scratchBytes / perImage, int.MaxValue / Math.Max(1, columns + gradients));
        var chunk = (int)Math.Clamp(fits, 1, Math.Max(1, c.Image[0]));
        var image = (long)c.Image[1] * c.Image[2] * c.Image[3];
        return c.Pass switch
        {
            ConvolutionPass.InputGradient => new ConvolutionStep(dtype, c, CudaConvolutionCode.Col2Im(dtype), Grid(chunk * image), chunk, null, 0),
            ConvolutionPass.Forward => new ConvolutionStep(dtype, c, CudaConvolutionCode.Im2Col(dtype), Grid(chunk * columns), chunk, null, 0),
            _ => new ConvolutionStep(dtype, c, CudaConvolutionCode.Im2Col(dtype), Grid(chunk * columns), chunk, CudaConvolutionCode.ChannelMajor(dtype), Grid(chunk * gradients)),
        };
    }

    /// <summary>
    /// A pooling pass as one generated kernel, <c>entry(out, inputs…, geometry…)</c>: forward passes and the max
    /// selection run one thread per output element, the gradients one per input element.
    /// </summary>
    private static GeneratedStep Pooling(PoolingKind p, DType dtype)
    {
        var g = p.Geometry;
        var output = g.Check(p.Describe(), p.Input);
        long planes = (long)p.Input[0] * p.Input[1], h = p.Input[2], w = p.Input[3], oh = output[2], ow = output[3];
        long[] scalars = [planes, h, w, oh, ow, g.KernelH, g.KernelW, g.StrideH, g.StrideW, g.PadTop, g.PadLeft];
        var (source, inputs, work) = p.Pass switch
        {
            PoolingPass.MaxForward => (CudaPoolingCode.MaxPoolForward(dtype), new[] { 0 }, planes * oh * ow),
            PoolingPass.MaxSelect => (CudaPoolingCode.MaxPoolSelect(dtype), new[] { 0, 1 }, planes * oh * ow),
            PoolingPass.MaxGradient => (CudaPoolingCode.MaxPoolGradient(dtype), new[] { 0, 1 }, planes * h * w),
            PoolingPass.AverageForward => (CudaPoolingCode.AvgPoolForward(dtype), new[] { 0 }, planes * oh * ow),
            _ => (CudaPoolingCode.AvgPoolGradient(dtype), new[] { 0 }, planes * h * w),
        };
        return new GeneratedStep(source, inputs, scalars, [], Grid(work), $"pooling {p.Pass}", []);
    }

    /// <summary>A bounds-checked gather or scatter-add of float or Int32 elements: one thread per moved element or checked index, whichever is more.</summary>
    private static GatherStep Gather(GatherKind g, DType dtype)
    {
        var geometry = g.Geometry;
        var total = (long)geometry.Batch * geometry.Outer * geometry.Count * geometry.Inner;
        return new GatherStep(CudaRandomAndGatherKernels.GatherKernel(dtype, g.Scatter), g, Grid(Math.Max(total, (long)geometry.Batch * geometry.Count)));
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

    /// <summary>
    /// A transpose, broadcast or slice: a dense run from the start is a device copy, a run from elsewhere (a
    /// slice) a copy from its offset, anything else a copy through explicit strides.
    /// </summary>
    private static CudaStep StridedCopy(StridedCopyKind c, DType dtype)
    {
        if (c.Offset == 0 && (c.Dims.Count == 0 || (c.Dims.Count == 1 && c.Strides[0] == 1)))
        {
            return new CopyStep((long)c.Size * dtype.SizeInBytes());
        }
        if (c.Dims.Count > CudaStrides.MaxRank)
        {
            return new FallbackStep($"{c.Describe()}: rank {c.Dims.Count} > {CudaStrides.MaxRank}");
        }
        var strides = new CudaStrides(c.Dims.Select(d => (long)d).ToArray(), c.Strides.Select(s => (long)s).ToArray());
        if (c.Offset != 0)
        {
            return new GeneratedStep(CudaCodeGenerator.OffsetCopy(dtype), [0], [c.Size, c.Offset], [strides], Grid(c.Size), "strided copy from an offset", []);
        }
        var source = CudaCodeGenerator.Elementwise(ScalarExpr.Arg(0), [dtype], [CudaLayout.Strided], dtype);
        return new GeneratedStep(source, [0], [c.Size, 1], [strides], Grid(c.Size), "strided copy [Strided]", [CudaLayout.Strided]);
    }

    /// <summary>The most inputs a generated concat takes: each adds a pointer and a length to the launch's parameters (4 KB at most).</summary>
    internal const int MaxConcatInputs = 128;

    /// <summary>A concat as one kernel over the output, reading every input.</summary>
    private static CudaStep Concat(ConcatKind c, Shape shape, DType dtype)
    {
        if (c.Blocks.Count > MaxConcatInputs)
        {
            return new FallbackStep($"{c.Describe()}: more than {MaxConcatInputs} inputs");
        }
        // An empty row (every input empty along the axis) leaves nothing to write and nothing to divide by.
        long[] scalars = [c.Row == 0 ? 0 : shape.Size, Math.Max(1, c.Row), .. c.Blocks.Select(b => (long)b)];
        return new GeneratedStep(CudaCodeGenerator.Concat(dtype, c.Blocks.Count), Enumerable.Range(0, c.Blocks.Count).ToArray(), scalars, [],
                                 Grid(shape.Size), $"concat of {c.Blocks.Count}", []);
    }

    /// <summary>A block into zeros as one kernel over the output.</summary>
    private static CudaStep PadInto(PadIntoKind p, DType dtype)
    {
        if (p.Dims.Count > CudaStrides.MaxRank)
        {
            return new FallbackStep($"{p.Describe()}: rank {p.Dims.Count} > {CudaStrides.MaxRank}");
        }
        var size = p.Dims.Aggregate(1L, (q, d) => q * d);
        var blockStrides = new Shape(p.Block.ToArray()).Strides();
        var shape = new CudaStrides(p.Dims.Select(d => (long)d).ToArray(), blockStrides.Select(s => (long)s).ToArray());
        var box = new CudaStrides(p.Begin.Select(b => (long)b).ToArray(), p.Block.Select(b => (long)b).ToArray());
        return new GeneratedStep(CudaCodeGenerator.PadInto(dtype), [0], [size], [shape, box], Grid(size), "pad into zeros", []);
    }

    /// <summary>A fill with a value known at planning time, passed as its 64-bit pattern so one kernel serves every value.</summary>
    private static CudaStep Fill(FillKind f, Shape shape, DType dtype) =>
        new GeneratedStep(CudaCodeGenerator.Fill(dtype), [], [shape.Size, FillBits(f.Value, dtype)], [], Grid(shape.Size), "fill", []);

    /// <summary>The value's bits as the fill kernel reads them: a double, or an int for Int32 outputs.</summary>
    private static long FillBits(double value, DType dtype) =>
        dtype == DType.Int32 ? (long)value : BitConverter.DoubleToInt64Bits(value);

    /// <summary>The backends' shared classification: how an input reads an output split at axis <paramref name="d"/>, or null.</summary>
    // CudaLayout extends BroadcastLayout's four values (same order) with Strided.
    internal static CudaLayout? Classify(Shape s, Shape output, int d) =>
        BroadcastLayouts.Classify(s, output, d) is { } layout ? (CudaLayout)layout : null;

    private static CudaStep Reduction(ReductionKind r, DType dtype)
    {
        var rows = r.Inner == 1;
        var source = CudaCodeGenerator.Reduction(dtype, r.Max, rows);
        var grid = rows ? (uint)Math.Clamp(r.Outer, 1, MaxGrid) : Grid((long)r.Outer * r.Inner);
        return new GeneratedStep(source, [0], [r.Outer, r.Length, r.Inner], [], grid, $"{(r.Max ? "max" : "sum")} over {(rows ? "rows" : "columns")}", []);
    }

    /// <summary>A reduction over a leading and a trailing run of axes (a bias gradient): one block per kept element, deterministic.</summary>
    private static CudaStep SplitReduction(SplitReductionKind s, DType dtype) =>
        new GeneratedStep(CudaCodeGenerator.SplitReduction(dtype, s.Max), [0], [s.Outer, s.Kept, s.Inner], [], (uint)Math.Clamp(s.Kept, 1, MaxGrid),
                          $"{(s.Max ? "max" : "sum")} over the outer and inner axes", []);

    private static CudaStep Softmax(RowSoftmaxKind s, DType dtype) =>
        new GeneratedStep(CudaCodeGenerator.Softmax(dtype, s.Log), [0], [s.Rows, s.Length], [], (uint)Math.Clamp(s.Rows, 1, MaxGrid), s.Log ? "log-softmax" : "softmax", []);
}
