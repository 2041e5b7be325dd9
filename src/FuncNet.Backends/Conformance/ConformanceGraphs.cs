using static FuncNet.Ops;

namespace FuncNet.Backends.Conformance;

/// <summary>One conformance case: a graph builder over placeholders of the given shapes.</summary>
/// <param name="Name">The case's name.</param>
/// <param name="Shapes">The shapes of its inputs.</param>
/// <param name="Build">Builds its outputs from placeholders of those shapes, in a dtype.</param>
public sealed record ConformanceCase(string Name, IReadOnlyList<Shape> Shapes, Func<Expr[], DType, Expr[]> Build);

/// <summary>A user-defined elementwise op in the conformance graphs: x / (1 + |x|).</summary>
internal static class ConformanceUserOps
{
    /// <summary>Softsign, defined through <see cref="Ops.DefineElementwise(string, Func{Expr, Expr}, Func{Expr, Expr, Expr})"/>.</summary>
    public static readonly Func<Expr, Expr> Softsign = DefineElementwise("Softsign", x => x / (1.0 + Abs(x)), (x, _) => 1.0 / Square(1.0 + Abs(x)));
}

/// <summary>
/// The conformance graphs every backend must agree with the Reference backend on (with their gradients): each
/// specialized kernel and layout — fused maps with row, column, scalar and general broadcasts, GEMM with every
/// transpose flag, batches and vectors, reductions, softmax, views, short rows, zero-length axes, sizes that run
/// in parallel, convolutions and poolings of every geometry, layer and batch normalization, gathers and scatters, random draws.
/// Shared by the test suite, `funcnet selftest` and the CUDA kernel compilation test.
/// </summary>
public static class ConformanceGraphs
{
    /// <summary>Every case.</summary>
    public static IReadOnlyList<ConformanceCase> All { get; } =
    [
        new("MultiLayerPerceptronStep", [Shape.Of(37, 50), Shape.Of(50, 33), Shape.Of(33), Shape.Of(33, 10), Shape.Of(37, 10)], (x, dtype) =>
        {
            var h = Relu(MatMul(x[0], x[1]) + x[2]);
            var logits = MatMul(h, x[3]);
            var labels = OneHot(ArgMax(x[4]), 10, dtype);
            return [ReduceMean(SoftmaxCrossEntropyWithLogits(labels, logits)), h];
        }),
        new("FusedElementwiseWithEveryBroadcastLayout", [Shape.Of(6, 40), Shape.Of(6, 1), Shape.Of(40), Shape.Scalar, Shape.Of(3, 1, 1, 40)], (x, _) =>
        [
            Sigmoid(x[0] * x[1] + x[2]) - Tanh(x[0]) / (1.0 + Square(x[3])),    // row, column and scalar operands
            Softplus(x[0] - x[2]) * Exp(-Abs(x[1])),
            Where(Greater(x[0], x[2]), Elu(x[0]), LeakyRelu(x[1] * x[0], 0.1)),
            Maximum(x[0], x[1]) + Minimum(x[0], 0.25) + Pow(Square(x[0]) + 1.0, x[3]),
            x[0] + x[4],                                                       // a broadcast no fast layout covers
        ]),
        // The transcendental, activation and rounding ops, and user-defined ones, fused with broadcast operands.
        new("ActivationsAndRounding", [Shape.Of(5, 24), Shape.Of(24)], (x, _) =>
        [
            Sin(x[0] * 2.0) * Cos(x[1]), Log1p(Abs(x[0])) + Expm1(x[1] * 0.5), Erf(x[0] * x[1]),
            Gelu(x[0]) - Gelu(x[0] + x[1], GeluApproximation.Tanh), Silu(x[0]) * Swish(x[1]), Rsqrt(Square(x[0]) + 0.5),
            Clip(x[0] + x[1], -0.5, 0.75), Floor(x[0] * 3.0) + Round(x[1] * 3.0) * x[0], ConformanceUserOps.Softsign(x[0] - x[1]),
        ]),
        new("GemmWithTransposesBatchesAndVectors", [Shape.Of(9, 70), Shape.Of(70, 5), Shape.Of(3, 4, 6), Shape.Of(6, 2), Shape.Of(70)], (x, _) =>
        [
            MatMul(x[0], x[1]),
            MatMul(x[0], x[0], true, false),
            MatMul(x[1], x[1], false, true),
            MatMul(Transpose(x[1]), Transpose(x[0])),
            MatMul(x[2], x[3]),
            MatMul(x[0], x[4]),
            MatMul(x[4], x[1]),
        ]),
        new("ReductionsSoftmaxAndViews", [Shape.Of(2, 3, 10), Shape.Of(5)], (x, _) =>
        [
            ReduceSum(x[0], 1), ReduceMax(x[0], 0, 1), ReduceMean(x[0], [2], true), ReduceSum(x[0], 0, 2),
            Softmax(x[0]), LogSoftmax(x[0], 1), Reshape(x[0], 12, -1), ExpandDims(x[1], 0),
            BroadcastTo(x[1], Shape.Of(4, 5)), Transpose(Reshape(x[0], 6, 10)),
            Concat([x[1], x[1]], 0), Slice(x[0], [1, 0, 2], [1, -1, 2]),
        ]),
        // Rows shorter than a vector (the curriculum's two classes): operands expanded, softmax whole-tensor.
        new("ShortRows", [Shape.Of(50, 3), Shape.Of(3), Shape.Of(50, 1), Shape.Of(3, 2)], (x, _) =>
        [
            Exp(x[0] * x[1] - x[2]) + x[1],
            LogSoftmax(x[0] + x[1]), Softmax(x[0] * x[2]),
            ReduceSum(x[0] * x[0], 0), ReduceMax(x[0], 1),
            MatMul(x[0], x[3]), MatMul(x[0], x[0], true, false),
        ]),
        // Zero-length axes through every op family: broadcasts of empty tensors (row, column, scalar), GEMMs
        // with m, n or k zero, reductions and softmax over empty and non-empty axes, views, joins and slices.
        new("ZeroSizeDimensions", [Shape.Of(0, 3), Shape.Of(3), Shape.Of(4, 0), Shape.Of(0, 5), Shape.Of(3, 5), Shape.Of(2, 4), Shape.Of(0, 1)], (x, dtype) =>
        [
            x[0] + x[1], Sigmoid(x[0] * x[1]) - Exp(x[0]) / (1.0 + Square(x[1])), x[0] * x[6], x[0] * 2.0,
            Where(Greater(x[0], x[1]), x[0], x[1]), Pow(Square(x[0]) + 1.0, x[1]), Map(x[0], x[1], (a, b) => a * Tanh(b)),
            x[2] + ReduceSum(x[2], [1], true), Exp(x[2]),
            MatMul(x[0], x[4]), MatMul(x[2], x[3]), MatMul(x[0], x[0], true, false), MatMul(x[5], x[2]), MatMul(x[3], x[3], false, true),
            ReduceSum(x[0], 0), ReduceSum(x[2], 1), ReduceSum(x[0]), ReduceMean(x[0], 1), ReduceMax(x[0], 1), ReduceMax(x[2], 0),
            Softmax(x[2]), LogSoftmax(x[2], 1), Softmax(x[0], 0), LogSoftmax(x[0], 0), Softmax(x[0]), LogSoftmax(x[2], 0),
            Reshape(x[0], 3, 0), Reshape(x[2], 0, 2, 2), ExpandDims(x[2], 0), Transpose(x[0]), Transpose(Reshape(x[0], 0, 3, 1), 2, 0, 1),
            BroadcastTo(x[1], Shape.Of(0, 3)), BroadcastTo(x[6], Shape.Of(0, 4)),
            Concat([x[0], x[0]], 0), Concat([x[0], Reshape(x[1], 1, 3)], 0), Concat([x[2], x[2]], 1),
            Slice(x[0], [0, 1], [0, 2]), Slice(x[4], [1, 2], [0, 3]), Slice(x[4], [3, 0], [0, -1]),
            OneHot(ArgMax(x[0], 1), 4, dtype), SumToShapeOf(x[0] + x[1], x[1]),
        ]),
        // Joins along first, middle and last axes (three inputs of different lengths) and boxes with corners
        // inside each axis, so the gradients are pads into zeros at offsets (one a single element, whose every axis
        // merges away); a slice split rejoined is the input.
        new("ConcatSliceAndPadInto", [Shape.Of(2, 3, 4), Shape.Of(2, 1, 4), Shape.Of(2, 5, 4), Shape.Of(6, 7)], (x, _) =>
        [
            Concat([x[0], x[1], x[2]], 1), Concat([x[0], x[0] * 2.0], 2), Concat([x[1], x[1], Exp(x[1])], 0),
            Slice(x[0], [1, 1, 1], [1, 2, -1]), Slice(x[3], [2, 3], [3, 4]), Slice(x[2], [0, 4, 0], [-1, 1, 3]), Slice(x[3], [4, 5], [1, 1]),
            Concat([Slice(x[3], [0, 0], [6, 3]), Slice(x[3], [0, 3], [6, 4])], 1) * x[3],
        ]),
        // Convolutions (grouped, strided, dilated, "same"), the transposed convolution and the poolings, whose
        // gradients run the input- and filter-gradient and pooling-gradient kernels.
        new("ConvolutionAndPooling", [Shape.Of(2, 4, 9, 8), Shape.Of(6, 2, 3, 3), Shape.Of(6, 3, 2, 2), Shape.Of(3, 4, 1, 1)], (x, _) =>
        [
            MaxPool2D(Conv2D(x[0], x[1], new Conv2DOptions { Padding = Padding2D.Same, Groups = 2 }), 2),
            Conv2DTranspose(Conv2D(x[0], x[1], new Conv2DOptions { StrideH = 2, StrideW = 2, DilationW = 2, Padding = Padding2D.Symmetric(1, 1), Groups = 2 }),
                x[2], Conv2DOptions.WithStride(2, Padding2D.Valid)),
            AvgPool2D(x[0], 3, 2, Padding2D.Symmetric(1, 1)), MaxPool2D(x[0], new Pool2DOptions(3, 2, 1, 2, Padding2D.Explicit(1, 0, 0, 1))),
            GlobalAvgPool2D(Conv2D(x[0], x[3])),
            // Per-channel sums and maxima over (N, H, W): a bias's gradient, the split reduction kind.
            ReduceSum(Conv2D(x[0], x[1], new Conv2DOptions { Padding = Padding2D.Same, Groups = 2 }), 0, 2, 3), ReduceMax(x[0], 0, 2, 3),
        ]),
        // The geometries the case above leaves out: dilation along the height, asymmetric explicit padding, depthwise
        // filters, a transposed convolution with groups and output padding, "same" and rectangular pooling windows.
        new("ConvolutionVariants", [Shape.Of(2, 3, 7, 6), Shape.Of(4, 3, 2, 3), Shape.Of(3, 1, 3, 3), Shape.Of(3, 2, 2, 2)], (x, _) =>
        [
            Conv2D(x[0], x[1], new Conv2DOptions { DilationH = 2, StrideW = 2, Padding = Padding2D.Explicit(0, 1, 2, 0) }),
            Conv2D(x[0], x[2], new Conv2DOptions { Padding = Padding2D.Same, Groups = 3 }),
            Conv2DTranspose(x[0], x[3], new Conv2DOptions { StrideH = 2, StrideW = 3, Padding = Padding2D.Symmetric(1, 0) }, 1, 2),
            AvgPool2D(x[0], 3, 2, Padding2D.Same), MaxPool2D(x[0], new Pool2DOptions(2, 3, 1, 2, Padding2D.Same)),
        ]),
        // Layer and batch normalization: their reductions and fused elementwise parts, batch norm after an elementwise
        // producer (which its batch check fuses with), in training mode on images and rows and in inference mode.
        new("Normalization", [Shape.Of(6, 20), Shape.Of(20), Shape.Of(4, 3, 5, 5), Shape.Of(3), Shape.Of(5, 3)], (x, _) =>
        [
            LayerNorm(x[0], x[1], x[1] * 0.5), LayerNorm(Tanh(x[0]) * 2.0, x[1], x[1], 1e-3),
            BatchNorm(x[2], x[3], Square(x[3])), BatchNorm(Silu(x[4]) + x[3], x[3], x[3] * 0.25),
            BatchNormInference(x[2], x[3], x[3], x[3] * 0.5, Square(x[3]) + 0.5, 1e-5),
            Dropout(x[0], 0.5, RandomKey(5), training: false),
        ]),
        // Sizes above the thresholds where kernels and GEMMs split across threads.
        new("LargeEnoughToRunInParallel", [Shape.Of(400, 400), Shape.Of(400), Shape.Of(200, 300), Shape.Of(300, 120), Shape.Of(300, 40)], (x, _) =>
        [
            Sigmoid(x[0] * 0.5 + x[1]) * Tanh(x[0]),
            MatMul(x[2], x[3]),
            MatMul(x[3], x[4], true, false),
        ]),
        // Gather along each axis with repeated indices, with a batch dim, its adjoint ScatterAdd, and draws from
        // fixed keys (uniform, normal, Bernoulli, dropout) that multiply the inputs, so their gradients carry them.
        new("GatherScatterAndRandomDraws", [Shape.Of(5, 4), Shape.Of(3, 6)], (x, dtype) =>
        {
            var ids = Expr.Constant(Tensor.Create(Shape.Of(2, 3), [4, 0, 4, 1, 2, 3]));
            var perRow = Expr.Constant(Tensor.Create(Shape.Of(5, 2), [3, 0, 1, 1, 2, 3, 0, 0, 3, 2]));
            var key = RandomKey(2026);
            return
            [
                Take(x[0], ids, 0), Take(x[1], ids, 1), Gather(x[0], perRow, 1, 1), Embedding(x[0], perRow),
                // An integer table gathered (labels by index), cast so it joins the scalar the gradients come from.
                Cast(Take(Expr.Constant(Tensor.Create(Shape.Of(5), [7, -2, 0, 9, 3])), ids, 0), dtype),
                ScatterAdd(x[1], Expr.Constant(Tensor.FromArray(new[] { 1, 1, 0 })), Slice(x[1], [0, 0], [2, -1]), 0),
                x[1] * RandomUniform(key, [3, 6], dtype), RandomNormal(KeyAt(key, 1), [3, 6], dtype) * x[1],
                Bernoulli(KeyAt(key, 2), 0.4, [5, 4], dtype) * x[0], Dropout(x[0], 0.3, KeyAt(key, 3), training: true),
            ];
        }),
    ];

    /// <summary>The case with this name.</summary>
    public static ConformanceCase Get(string name) =>
        All.FirstOrDefault(c => c.Name == name) ?? throw new FuncNetException($"Unknown conformance case '{name}'; expected one of: {string.Join(", ", All.Select(c => c.Name))}.");
}
