using static FuncNet.Ops;

namespace FuncNet.Tests;

/// <summary>
/// One graph per exportable op and dtype: its placeholders (a leading -1 is the symbolic batch) and its output.
/// Placeholder names choose the random values fed: <c>pos…</c> positive,
/// <c>idx…</c> class indices including out-of-range ones, <c>eq…</c> small integers (so equal pairs occur), <c>cls…</c> indices in [0, 3) (valid for every gathered axis).
/// </summary>
public sealed record OpCase(string Name, DType DType, Func<DType, (Expr[] Inputs, Expr Output)> Build)
{
    public override string ToString() => $"{Name} {DType}";

    public static readonly DType[] Floats = [DType.Float32, DType.Float64];
    public static readonly DType[] Numbers = [DType.Float32, DType.Float64, DType.Int32];

    // ONNX Runtime's CPU kernels for Erf, Conv, ConvTranspose and AveragePool take Float32 only; their Float64 graphs are valid ONNX
    // (the checker test reads them) but cannot be run there.
    private static readonly DType[] ErfTypes = [DType.Float32];
    private static readonly DType[] ConvTypes = [DType.Float32];

    // User-defined elementwise ops: their formulas are exported as ONNX primitives.
    private static readonly Func<Expr, Expr> SoftSign = DefineElementwise("SoftSign", x => x / (1.0 + Abs(x)), (x, y) => 1.0 / Square(1.0 + Abs(x)));
    private static readonly Func<Expr, Expr, Expr> Hypot = DefineElementwise("Hypot", (a, b) => Sqrt(a * a + b * b), (a, b, y) => a / y, (a, b, y) => b / y);

    private static Func<DType, (Expr[], Expr)> Image(Func<Expr, Expr> f) => d => { var x = P("x", d, -1, 2, 7, 6); return ([x], f(x)); };

    private static Expr P(string name, DType d, params int[] dims) => Expr.Placeholder(name, Shape.Of(dims), d);

    private static Func<DType, (Expr[], Expr)> Unary(Func<Expr, Expr> f) => d => { var x = P("x", d, -1, 3); return ([x], f(x)); };
    private static Func<DType, (Expr[], Expr)> UnaryPositive(Func<Expr, Expr> f) => d => { var x = P("posx", d, -1, 3); return ([x], f(x)); };
    private static Func<DType, (Expr[], Expr)> Binary(Func<Expr, Expr, Expr> f, string second = "y") => d =>
    {
        var x = P("x", d, -1, 3);
        var y = P(second, d, 3);
        return ([x, y], f(x, y));
    };

    private static IEnumerable<OpCase> Each(string name, IEnumerable<DType> dtypes, Func<DType, (Expr[], Expr)> build) =>
        dtypes.Select(d => new OpCase(name, d, build));

    public static IEnumerable<OpCase> All() =>
    [
        .. Each("Add", Numbers, Binary((a, b) => a + b)),
        .. Each("Subtract", Numbers, Binary((a, b) => a - b)),
        .. Each("Multiply", Numbers, Binary((a, b) => a * b)),
        .. Each("Divide", Floats, Binary((a, b) => a / b, "posy")),
        .. Each("Pow", Floats, d => { var x = P("posx", d, -1, 3); var y = P("y", d, 3); return ([x, y], Pow(x, y)); }),
        .. Each("Maximum", Numbers, Binary(Maximum)),
        .. Each("Minimum", Numbers, Binary(Minimum)),
        .. Each("Negative", Numbers, Unary(Negative)),
        .. Each("Abs", Floats, Unary(Abs)),
        .. Each("Sign", Floats, Unary(Sign)),
        .. Each("Square", Floats, Unary(Square)),
        .. Each("Exp", Floats, Unary(Exp)),
        .. Each("Log", Floats, UnaryPositive(Log)),
        .. Each("Sqrt", Floats, UnaryPositive(Sqrt)),
        .. Each("Tanh", Floats, Unary(Tanh)),
        .. Each("Sigmoid", Floats, Unary(Sigmoid)),
        .. Each("Relu", Floats, Unary(Relu)),
        .. Each("Gaussian", Floats, Unary(Gaussian)),
        .. Each("Softplus", Floats, Unary(Softplus)),
        .. Each("LeakyRelu", Floats, Unary(x => LeakyRelu(x))),
        .. Each("LeakyRelu 0.01", Floats, Unary(x => LeakyRelu(x, 0.01))),
        .. Each("Elu", Floats, Unary(x => Elu(x))),
        .. Each("Elu 0.5", Floats, Unary(x => Elu(x, 0.5))),
        .. Each("Selu", Floats, Unary(Selu)),
        .. Each("StopGradient", Floats, Unary(StopGradient)),
        .. Each("Cast to Int32", Floats, Unary(x => Cast(x, DType.Int32))),
        .. Each("Cast to Float64", [DType.Float32, DType.Int32], Unary(x => Cast(x, DType.Float64))),
        .. Each("Cast to Float32", [DType.Float64, DType.Int32], Unary(x => Cast(x, DType.Float32))),
        .. Each("Greater", Numbers, Binary(Greater, "eqy")),
        .. Each("GreaterEqual", Numbers, Binary(GreaterEqual, "eqy")),
        .. Each("Less", Numbers, Binary(Less, "eqy")),
        .. Each("LessEqual", Numbers, Binary(LessEqual, "eqy")),
        .. Each("Equal", Numbers, d => { var x = P("eqx", d, -1, 3); var y = P("eqy", d, 3); return ([x, y], Equal(x, y)); }),
        .. Each("NotEqual", Numbers, d => { var x = P("eqx", d, -1, 3); var y = P("eqy", d, 3); return ([x, y], NotEqual(x, y)); }),
        .. Each("Where", Numbers, Binary((a, b) => Where(Greater(a, b), a * b, b))),
        .. Each("Where on a non-0/1 condition", Numbers, d => { var c = P("eqc", d, -1, 3); var x = P("x", d, -1, 3); return ([c, x], Where(c, x, -x)); }),
        .. Each("Map", Floats, Binary((a, b) => Map(a, b, (u, v) => Sigmoid(u) * v + 2.0 * Exp(-Square(u))))),
        .. Each("Map of a constant body", Floats, Unary(x => Map(x, _ => 3.0))),
        .. Each("CustomVjp", Floats, Binary((a, b) => CustomVjp("ScaledTanh", xs => Tanh(xs[0]) * xs[1], (xs, y, g) => [g * xs[1], g], a, b))),
        .. Each("MatMul", Numbers, d => { var x = P("x", d, -1, 3); var w = Expr.Variable("w", Random(d, 3, 4)); return ([x], MatMul(x, w)); }),
        .. Each("MatMul transposed", Floats, d => { var x = P("x", d, -1, 3); var w = Expr.Variable("w", Random(d, 4, 3)); return ([x], MatMul(x, w, false, true)); }),
        .. Each("MatMul transposed first", Floats, d => { var x = P("x", d, 3, 2); var w = Expr.Variable("w", Random(d, 3, 4)); return ([x], MatMul(x, w, true, false)); }),
        .. Each("MatMul batched", Floats, d => { var x = P("x", d, -1, 2, 3); var y = P("y", d, -1, 3, 4); return ([x, y], MatMul(x, y)); }),
        .. Each("Dense layer", Floats, d => { var x = P("x", d, -1, 3); var w = Expr.Variable("w", Random(d, 3, 2)); var b = Expr.Variable("b", Random(d, 2)); return ([x], Relu(MatMul(x, w) + b)); }),
        .. Each("Softmax", Floats, Unary(x => Softmax(x))),
        .. Each("Softmax axis 0", Floats, Unary(x => Softmax(x, 0))),
        .. Each("LogSoftmax", Floats, Unary(x => LogSoftmax(x))),
        .. Each("ReduceSum", Numbers, Unary(x => ReduceSum(x, 1))),
        .. Each("ReduceSum all", Floats, Unary(x => ReduceSum(x))),
        .. Each("ReduceSum keepDims", Floats, Unary(x => ReduceSum(x, [0], true))),
        .. Each("ReduceMax", Numbers, Unary(x => ReduceMax(x, 1))),
        .. Each("ReduceMin", Floats, Unary(x => ReduceMin(x, 0))),
        .. Each("ReduceMean over the batch", Floats, Unary(x => ReduceMean(x, 0))),
        .. Each("ReduceMean", Floats, Unary(x => ReduceMean(x, 1))),
        .. Each("ArgMax", Numbers, Unary(x => ArgMax(x, 1))),
        .. Each("OneHot", Floats, d => { var i = P("idx", DType.Int32, -1); return ([i], OneHot(i, 4, d)); }),
        .. Each("Reshape", Numbers, d => { var x = P("x", d, -1, 2, 3); return ([x], Reshape(x, -1, 6)); }),
        .. Each("Transpose", Numbers, d => { var x = P("x", d, -1, 2, 3); return ([x], Transpose(x, 2, 0, 1)); }),
        .. Each("Concat", Numbers, d => { var x = P("x", d, -1, 3); var y = P("y", d, -1, 2); return ([x, y], Concat([x, y], 1)); }),
        .. Each("Slice", Numbers, d => { var x = P("x", d, -1, 5); return ([x], Slice(x, [0, 1], [-1, 3])); }),
        .. Each("ExpandDims", Numbers, Unary(x => ExpandDims(x, 1))),
        .. Each("BroadcastTo", Floats, d => { var x = P("x", d, 3); return ([x], BroadcastTo(x, Shape.Of(4, 3))); }),
        .. Each("BroadcastLike", Floats, d => { var x = P("x", d, 3); var y = P("y", d, -1, 3); return ([x, y], BroadcastLike(x, y)); }),
        .. Each("Sin", Floats, Unary(Sin)),
        .. Each("Cos", Floats, Unary(Cos)),
        .. Each("Erf", ErfTypes, Unary(Erf)),
        .. Each("Floor", Floats, Unary(Floor)),
        .. Each("Round", Floats, Unary(x => Round(3.0 * x))),
        .. Each("Clip", Floats, Unary(x => Clip(x, -0.5, 1.25))),
        .. Each("Gelu", ErfTypes, Unary(x => Gelu(x))),
        .. Each("Gelu tanh", Floats, Unary(x => Gelu(x, GeluApproximation.Tanh))),
        .. Each("Silu", Floats, Unary(Silu)),
        .. Each("Rsqrt", Floats, UnaryPositive(Rsqrt)),
        .. Each("Log1p", Floats, UnaryPositive(Log1p)),
        .. Each("Expm1", Floats, Unary(Expm1)),
        .. Each("User elementwise", Floats, Unary(x => SoftSign(x))),
        .. Each("User elementwise binary", Floats, Binary((a, b) => Hypot(a, b))),
        .. Each("Dropout at inference", Floats, Unary(x => Dropout(x, 0.5, RandomKey(1), training: false))),
        .. Each("Conv2D", ConvTypes, Image(x => Conv2D(x, Expr.Variable("w", Random(x.DType, 3, 2, 3, 3)),
            new Conv2DOptions { StrideH = 2, StrideW = 1, Padding = Padding2D.Explicit(1, 0, 1, 2), DilationW = 2 }))),
        .. Each("Conv2D same", ConvTypes, Image(x => Conv2D(x, Expr.Variable("w", Random(x.DType, 4, 2, 3, 3)), 2, Padding2D.Same))),
        .. Each("Conv2D grouped", ConvTypes, Image(x => Conv2D(x, Expr.Variable("w", Random(x.DType, 4, 1, 3, 3)), new Conv2DOptions { Groups = 2 }))),
        .. Each("Conv2DTranspose", ConvTypes, Image(x => Conv2DTranspose(x, Expr.Variable("w", Random(x.DType, 2, 3, 3, 3)),
            Conv2DOptions.WithStride(2, Padding2D.Symmetric(1, 1)), 1, 0))),
        .. Each("MaxPool2D", Floats, Image(x => MaxPool2D(x, new Pool2DOptions(3, 2, 2, 1, Padding2D.Explicit(1, 1, 0, 1))))),
        .. Each("AvgPool2D", ConvTypes, Image(x => AvgPool2D(x, new Pool2DOptions(3, 3, 2, 2, Padding2D.Explicit(1, 0, 1, 1))))),
        .. Each("GlobalAvgPool2D", Floats, Image(GlobalAvgPool2D)),
        .. Each("Take", Numbers, d => { var x = P("x", d, 4, 3); var i = P("cls", DType.Int32, -1, 2); return ([x, i], Take(x, i, 0)); }),
        .. Each("Take axis 1", Floats, d => { var x = P("x", d, -1, 3, 2); var i = P("cls", DType.Int32, 4); return ([x, i], Take(x, i, 1)); }),
        .. Each("Embedding", Floats, d => { var i = P("cls", DType.Int32, -1); return ([i], Embedding(Expr.Variable("table", Random(d, 3, 5)), i)); }),
        .. Each("ScatterAdd", Numbers, d => { var u = P("x", d, -1, 3); var i = P("cls", DType.Int32, -1); var like = P("like", d, 4, 3); return ([u, i, like], ScatterAdd(u, i, like, 0)); }),
        .. Each("ScatterAdd index matrix", Floats, d => { var u = P("x", d, -1, 2, 2); var i = P("cls", DType.Int32, -1, 2); var like = P("like", d, 3, 2); return ([u, i, like], ScatterAdd(u, i, like, 0)); }),
        .. Each("ScatterAdd axis 1", Floats, d => { var u = P("x", d, -1, 4, 2); var i = P("cls", DType.Int32, 4); var like = P("like", d, -1, 3, 2); return ([u, i, like], ScatterAdd(u, i, like, 1)); }),
        .. Each("Gather batch dims", Floats, d => { var x = P("x", d, -1, 3, 2); var i = P("cls", DType.Int32, -1, 4); return ([x, i], Gather(x, i, 1, 1)); }),
        .. Each("Gather batch dims inner axis", Floats, d => { var x = P("x", d, -1, 2, 3, 2); var i = P("cls", DType.Int32, -1, 4, 2); return ([x, i], Gather(x, i, 2, 1)); }),
        .. Each("BatchNormInference", Floats, Image(x => BatchNormInference(x, Expr.Variable("gamma", Random(x.DType, 2)), Expr.Variable("beta", Random(x.DType, 2)),
            Expr.Variable("mean", Random(x.DType, 2)), Expr.Variable("variance", Feeds.Values(new Random(3), "pos", x.DType, Shape.Of(2))), 1e-3))),
        .. Each("LayerNorm", Floats, d => { var x = P("x", d, -1, 2, 4); return ([x], LayerNorm(x, Expr.Variable("gamma", Random(d, 4)), Expr.Variable("beta", Random(d, 4)))); }),
    ];

    /// <summary>
    /// The Float64 forms of the cases ONNX Runtime runs in Float32 only (Erf, Gelu, convolutions, average pooling):
    /// not runnable there, but written all the same, so the checker reads them.
    /// </summary>
    public static IEnumerable<OpCase> Float64WithoutRuntimeKernels() =>
        All().Where(c => c.DType == DType.Float32 && RuntimeFloat32Only.Contains(c.Name)).Select(c => c with { DType = DType.Float64 });

    private static readonly HashSet<string> RuntimeFloat32Only =
        ["Erf", "Gelu", "Conv2D", "Conv2D same", "Conv2D grouped", "Conv2DTranspose", "AvgPool2D"];

    /// <summary>A seeded random tensor, for variables.</summary>
    public static Tensor Random(DType dtype, params int[] dims) => Feeds.Values(new Random(dims.Sum() * 7 + (int)dtype), "w", dtype, Shape.Of(dims));
}

/// <summary>Random values for placeholders, chosen by name (see <see cref="OpCase"/>).</summary>
public static class Feeds
{
    public static Tensor Values(Random random, string name, DType dtype, Shape shape)
    {
        var values = new double[shape.Size];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = name switch
            {
                _ when name.StartsWith("pos") => 0.1 + 2.9 * random.NextDouble(),
                _ when name.StartsWith("idx") => random.Next(-1, 6),
                _ when name.StartsWith("eq") => random.Next(-2, 3),
                _ when name.StartsWith("cls") => random.Next(0, 3),
                _ when dtype == DType.Int32 => random.Next(-9, 10),
                _ => 4 * random.NextDouble() - 2,
            };
        }
        return Tensor.FromSpan(shape, values, dtype);
    }

    /// <summary>A feed for each placeholder, its unknown dimensions set to <paramref name="batch"/>.</summary>
    public static IReadOnlyList<(string Name, Tensor Value)> For(IReadOnlyList<Expr> inputs, int batch, int seed)
    {
        var random = new Random(seed);
        return inputs.Select(p => (p.Name!, Values(random, p.Name!, p.DType, Shape.Of(p.Shape.Select(d => d == Shape.Unknown ? batch : d))))).ToArray();
    }
}
