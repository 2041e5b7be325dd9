using FuncNet.Expressions;

namespace FuncNet;

/// <summary>Writes one FuncNet node as ONNX nodes over its inputs' value names; returns the output's value name.</summary>
internal delegate string ExportRule(OnnxExportContext c, Expr node, IReadOnlyList<string> x);

/// <summary>
/// The ONNX form of every exportable op, one entry per op type. An op missing here has no ONNX equivalent yet:
/// export names it and the node; <see cref="GradientOnly"/> and <see cref="NoEquivalent"/> list the ops refused on
/// purpose, with the reason the message gives. Activations whose ONNX kernels are Float32-only in ONNX Runtime, or whose
/// attributes are single-precision, are written as the primitives of their formula in Float64, so that a
/// Float64 graph keeps its precision.
/// </summary>
internal static class ExportRules
{
    public static readonly IReadOnlyDictionary<Type, ExportRule> ByOp = new Dictionary<Type, ExportRule>
    {
        // Elementwise arithmetic: ONNX broadcasts as numpy does, as FuncNet does.
        [typeof(AddOp)] = (c, n, x) => c.W.Node("Add", x),
        [typeof(SubtractOp)] = (c, n, x) => c.W.Node("Sub", x),
        [typeof(MultiplyOp)] = (c, n, x) => c.W.Node("Mul", x),
        [typeof(DivideOp)] = (c, n, x) => c.W.Node("Div", x),
        [typeof(PowOp)] = (c, n, x) => c.W.Node("Pow", x),
        [typeof(MaximumOp)] = (c, n, x) => c.W.Node("Max", x),
        [typeof(MinimumOp)] = (c, n, x) => c.W.Node("Min", x),
        [typeof(NegativeOp)] = (c, n, x) => c.W.Node("Neg", x),
        [typeof(AbsOp)] = (c, n, x) => c.W.Node("Abs", x),
        [typeof(SignOp)] = (c, n, x) => c.W.Node("Sign", x),
        [typeof(SquareOp)] = (c, n, x) => c.W.Node("Mul", [x[0], x[0]]),
        [typeof(ExpOp)] = (c, n, x) => c.W.Node("Exp", x),
        [typeof(LogOp)] = (c, n, x) => c.W.Node("Log", x),
        [typeof(SqrtOp)] = (c, n, x) => c.W.Node("Sqrt", x),
        [typeof(TanhOp)] = (c, n, x) => c.W.Node("Tanh", x),
        [typeof(SigmoidOp)] = (c, n, x) => c.W.Node("Sigmoid", x),
        [typeof(ReluOp)] = (c, n, x) => c.W.Node("Relu", x),
        [typeof(GaussianOp)] = (c, n, x) => c.W.Node("Exp", [c.W.Node("Neg", [c.W.Node("Mul", [x[0], x[0]])])]),
        [typeof(SoftplusOp)] = (c, n, x) => n.DType == DType.Float32
            ? c.W.Node("Softplus", x)
            // max(x, 0) + log(1 + e^(−|x|)): FuncNet's stable formula.
            : c.W.Node("Add", [
                c.W.Node("Max", [x[0], c.W.Scalar(0, n.DType)]),
                c.W.Node("Log", [c.W.Node("Add", [c.W.Scalar(1, n.DType), c.W.Node("Exp", [c.W.Node("Neg", [c.W.Node("Abs", x)])])])])]),
        [typeof(LeakyReluOp)] = (c, n, x) => n.DType == DType.Float32
            ? c.W.Node("LeakyRelu", x, OnnxGraphWriter.Attribute("alpha", (float)((LeakyReluOp)n.Op).Alpha))
            : c.PositiveOr(x[0], n.DType, x[0], c.W.Node("Mul", [c.W.Scalar(((LeakyReluOp)n.Op).Alpha, n.DType), x[0]])),
        [typeof(EluOp)] = (c, n, x) => n.DType == DType.Float32
            ? c.W.Node("Elu", x, OnnxGraphWriter.Attribute("alpha", (float)((EluOp)n.Op).Alpha))
            : c.PositiveOr(x[0], n.DType, x[0], c.W.Node("Mul", [c.W.Scalar(((EluOp)n.Op).Alpha, n.DType), c.ExpMinusOne(x[0], n.DType)])),
        [typeof(SeluOp)] = (c, n, x) => n.DType == DType.Float32
            ? c.W.Node("Selu", x, OnnxGraphWriter.Attribute("alpha", (float)SeluOp.Alpha), OnnxGraphWriter.Attribute("gamma", (float)SeluOp.Lambda))
            : c.PositiveOr(x[0], n.DType,
                c.W.Node("Mul", [c.W.Scalar(SeluOp.Lambda, n.DType), x[0]]),
                c.W.Node("Mul", [c.W.Scalar(SeluOp.Lambda * SeluOp.Alpha, n.DType), c.ExpMinusOne(x[0], n.DType)])),
        [typeof(SinOp)] = (c, n, x) => c.W.Node("Sin", x),
        [typeof(CosOp)] = (c, n, x) => c.W.Node("Cos", x),
        [typeof(ErfOp)] = (c, n, x) => c.W.Node("Erf", x),
        [typeof(FloorOp)] = (c, n, x) => c.W.Node("Floor", x),
        // Both round halves to even.
        [typeof(RoundOp)] = (c, n, x) => c.W.Node("Round", x),
        [typeof(ClipOp)] = (c, n, x) => c.W.Node("Clip", [x[0], c.W.Scalar(((ClipOp)n.Op).Min, n.DType), c.W.Scalar(((ClipOp)n.Op).Max, n.DType)]),
        // No ONNX op of their own at opset 17 (Gelu arrives in opset 20): the primitives of their formulas.
        [typeof(GeluOp)] = (c, n, x) => c.Formula(n, x),
        [typeof(SiluOp)] = (c, n, x) => c.Formula(n, x),
        [typeof(RsqrtOp)] = (c, n, x) => c.Formula(n, x),
        [typeof(Log1pOp)] = (c, n, x) => c.Formula(n, x),
        [typeof(Expm1Op)] = (c, n, x) => c.Formula(n, x),
        [typeof(UserElementwiseOp)] = (c, n, x) => c.Formula(n, x),
        [typeof(StopGradientOp)] = (c, n, x) => c.W.Node("Identity", x),
        [typeof(CastOp)] = (c, n, x) => c.Cast(x[0], n.DType),

        // Comparisons give 1/0 in the inputs' dtype; ONNX gives booleans, cast back.
        [typeof(GreaterOp)] = (c, n, x) => c.Cast(c.W.Node("Greater", x), n.DType),
        [typeof(GreaterEqualOp)] = (c, n, x) => c.Cast(c.W.Node("GreaterOrEqual", x), n.DType),
        [typeof(LessOp)] = (c, n, x) => c.Cast(c.W.Node("Less", x), n.DType),
        [typeof(LessEqualOp)] = (c, n, x) => c.Cast(c.W.Node("LessOrEqual", x), n.DType),
        [typeof(EqualOp)] = (c, n, x) => c.Cast(c.W.Node("Equal", x), n.DType),
        [typeof(NotEqualOp)] = (c, n, x) => c.Cast(c.W.Node("Not", [c.W.Node("Equal", x)]), n.DType),
        // A FuncNet condition is any non-zero value; ONNX's is a boolean (casting to BOOL maps non-zero to true).
        [typeof(WhereOp)] = (c, n, x) => c.W.Node("Where", [c.Bool(x[0]), x[1], x[2]]),
        [typeof(MapOp)] = (c, n, x) => c.Body(((MapOp)n.Op).Body, x),

        [typeof(MatMulOp)] = (c, n, x) =>
        {
            var m = (MatMulOp)n.Op;
            return c.W.Node("MatMul", [m.TransposeA ? c.SwapLastTwo(x[0], n.Inputs[0].Rank) : x[0], m.TransposeB ? c.SwapLastTwo(x[1], n.Inputs[1].Rank) : x[1]]);
        },
        [typeof(SoftmaxOp)] = (c, n, x) => c.W.Node("Softmax", x, OnnxGraphWriter.Attribute("axis", ((SoftmaxOp)n.Op).Axis)),
        [typeof(LogSoftmaxOp)] = (c, n, x) => c.W.Node("LogSoftmax", x, OnnxGraphWriter.Attribute("axis", ((LogSoftmaxOp)n.Op).Axis)),
        [typeof(ArgMaxOp)] = (c, n, x) => c.Cast(c.W.Node("ArgMax", x,
            OnnxGraphWriter.Attribute("axis", ((ArgMaxOp)n.Op).Axis), OnnxGraphWriter.Attribute("keepdims", 0L)), DType.Int32),
        // ONNX's OneHot wraps negative indices around; FuncNet's (TensorFlow's) gives zeros outside [0, depth): compare with 0..depth−1.
        [typeof(OneHotOp)] = (c, n, x) =>
        {
            var o = (OneHotOp)n.Op;
            var classes = c.W.Constant(Tensor.FromArray(Enumerable.Range(0, o.Depth).ToArray()));
            return c.Cast(c.W.Node("Equal", [c.W.Node("Unsqueeze", [x[0], c.W.Int64s(-1)]), classes]), o.ResultDType);
        },

        [typeof(ReduceSumOp)] = (c, n, x) => c.W.Node("ReduceSum", [x[0], c.W.Int64s(Longs(((ReduceSumOp)n.Op).Axes))],
            OnnxGraphWriter.Attribute("keepdims", ((ReduceSumOp)n.Op).KeepDims ? 1L : 0L)),
        [typeof(ReduceMaxOp)] = (c, n, x) => c.W.Node("ReduceMax", x,
            OnnxGraphWriter.Attribute("axes", Longs(((ReduceMaxOp)n.Op).Axes)), OnnxGraphWriter.Attribute("keepdims", ((ReduceMaxOp)n.Op).KeepDims ? 1L : 0L)),
        [typeof(SizeOfOp)] = (c, n, x) => c.SizeOf(n, x[0]),

        [typeof(Conv2DOp)] = (c, n, x) => c.Conv("Conv", ((Conv2DOp)n.Op).Geometry, n.Inputs[1].Shape, x),
        // The gradient of a convolution with respect to its images is the transposed convolution, whose output size
        // ONNX derives from the input; output_padding adds the rows the forward convolution's stride dropped.
        [typeof(Conv2DInputGradientOp)] = (c, n, x) =>
        {
            var t = (Conv2DInputGradientOp)n.Op;
            var g = t.Geometry;
            int r = n.Inputs[1].Shape[2], s = n.Inputs[1].Shape[3];
            int oh = g.OutputHeight(t.Height, r), ow = g.OutputWidth(t.Width, s);
            long extraH = t.Height - ((long)(oh - 1) * g.StrideH + (long)g.DilationH * (r - 1) + 1 - g.PadTop - g.PadBottom);
            long extraW = t.Width - ((long)(ow - 1) * g.StrideW + (long)g.DilationW * (s - 1) + 1 - g.PadLeft - g.PadRight);
            return c.Conv("ConvTranspose", g, n.Inputs[1].Shape, x, OnnxGraphWriter.Attribute("output_padding", [extraH, extraW]));
        },
        [typeof(MaxPool2DOp)] = (c, n, x) => c.Pool("MaxPool", ((MaxPool2DOp)n.Op).Geometry, x),
        // FuncNet averages over the window's part inside the input: ONNX's count_include_pad = 0.
        [typeof(AvgPool2DOp)] = (c, n, x) => c.Pool("AveragePool", ((AvgPool2DOp)n.Op).Geometry, x, OnnxGraphWriter.Attribute("count_include_pad", 0L)),
        [typeof(GatherOp)] = (c, n, x) => c.Gather(n, x),
        [typeof(ScatterAddOp)] = (c, n, x) => c.ScatterAdd(n, x),

        [typeof(ReshapeOp)] = (c, n, x) => c.W.Node("Reshape", [x[0], c.W.Int64s(Longs(((ReshapeOp)n.Op).Target))], OnnxGraphWriter.Attribute("allowzero", 1L)),
        [typeof(TransposeOp)] = (c, n, x) => c.W.Node("Transpose", x, OnnxGraphWriter.Attribute("perm", Longs(((TransposeOp)n.Op).Permutation))),
        [typeof(ConcatOp)] = (c, n, x) => c.W.Node("Concat", x, OnnxGraphWriter.Attribute("axis", ((ConcatOp)n.Op).Axis)),
        [typeof(ExpandDimsOp)] = (c, n, x) => c.W.Node("Unsqueeze", [x[0], c.W.Int64s(Longs(((ExpandDimsOp)n.Op).Axes))]),
        [typeof(SliceOp)] = (c, n, x) =>
        {
            var s = (SliceOp)n.Op;
            var ends = s.Begin.Zip(s.Size, (b, size) => size == -1 ? long.MaxValue : (long)b + size).ToArray();
            return c.W.Node("Slice", [x[0], c.W.Int64s(Longs(s.Begin)), c.W.Int64s(ends), c.W.Int64s(Enumerable.Range(0, s.Begin.Count).Select(a => (long)a).ToArray())]);
        },
        [typeof(BroadcastToOp)] = (c, n, x) => c.W.Node("Expand", [x[0], c.W.Int64s(Longs(((BroadcastToOp)n.Op).Target))]),
        [typeof(BroadcastLikeOp)] = (c, n, x) => c.W.Node("Expand", [x[0], c.W.Node("Shape", [x[1]])]),
    };

    /// <summary>Ops that only derivatives produce: an inference graph has none, so finding one means a gradient was passed.</summary>
    public static readonly IReadOnlyDictionary<Type, string> GradientOnly = new Dictionary<Type, string>
    {
        [typeof(SumToOp)] = "the reverse of broadcasting, which gradients use",
        [typeof(PadIntoOp)] = "the reverse of slicing, which gradients use",
        [typeof(Conv2DFilterGradientOp)] = "the gradient of a convolution with respect to its filter",
        [typeof(MaxPool2DGradientOp)] = "the gradient of max pooling",
        [typeof(MaxPool2DSelectOp)] = "the winner selection that the gradient of max pooling uses",
        [typeof(AvgPool2DGradientOp)] = "the gradient of average pooling",
    };

    /// <summary>Ops of the forward vocabulary that an ONNX inference graph cannot express exactly, with the reason.</summary>
    public static readonly IReadOnlyDictionary<Type, string> NoEquivalent = new Dictionary<Type, string>
    {
        [typeof(RandomUniformOp)] = "a counter-based (Philox) random draw from a key; ONNX's random ops use their own generator, so values would differ",
        [typeof(RandomNormalOp)] = "a counter-based (Philox) random draw from a key; ONNX's random ops use their own generator, so values would differ",
        [typeof(BernoulliOp)] = "a counter-based (Philox) random draw from a key; ONNX's random ops use their own generator, so values would differ",
        [typeof(SplitKeyOp)] = "a random-key split, which only random draws use",
        [typeof(BatchStatisticsCheckOp)] =
            "training-mode BatchNorm, which normalizes with the batch's own statistics; export the inference form (Ops.BatchNormInference with the running mean and variance)",
    };

    private static long[] Longs(IEnumerable<int> values) => values.Select(v => (long)v).ToArray();
}
