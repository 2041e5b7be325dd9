using FuncNet.Expressions;
using FuncNet.Tensors;
using FuncNet.Testing;
using FuncNet.Tests.Support;

using static FuncNet.Ops;
using FuncNet.Lowering;

namespace FuncNet.Tests.Differentiation;

/// <summary>
/// Every op of the catalogue, found by reflection, is gradient-checked here; a new op without a case makes
/// <see cref="EveryOpHasACase"/> fail. Non-differentiable ops are listed apart and must give no gradient.
/// </summary>
public class OpCatalogueGradientTests
{
    /// <summary>A case: input values, and the expression of the placeholders that must contain the op.</summary>
    private sealed record Case(Tensor[] Inputs, Func<Expr[], Expr> Build, double Eps = 1e-6);

    private static Tensor T(Shape shape, int seed, bool positive = false)
    {
        var v = RandomExpr.RandomValues(new Random(seed), shape);
        return positive ? Tensor.Create(shape, v.ToDoubleArray().Select(Math.Abs).ToArray()) : v;
    }

    private static readonly Shape S23 = Shape.Of(2, 3);

    /// <summary>A constant in the dtype of <paramref name="like"/>, so that a case builds in Float32 as in Float64.</summary>
    private static Expr Like(Tensor value, Expr like) => Expr.Constant(value.Cast(like.DType));

    /// <summary>Overlapping 3 × 2 windows with padding, for the pooling gradient ops built directly.</summary>
    private static readonly Pool2DGeometry PoolGeometry = new(3, 2, 2, 1, 1, 1, 0, 1);
    /// <summary>A constant Int32 index tensor.</summary>
    private static Expr Ints(int[] values, params int[] shape) => Expr.Constant(Tensor.Create(Shape.Of(shape), values));

    /// <summary>A random key computed from a (2, 3) placeholder.</summary>
    private static Expr KeyOf(Expr x) => Cast(Slice(Reshape(x, 6), [0], [2]) * 1000.0, DType.Int32);

    private static readonly Dictionary<Type, Case> Differentiable = new()
    {
        [typeof(AbsOp)] = new([T(S23, 1)], x => Abs(x[0])),
        [typeof(AddOp)] = new([T(S23, 2), T(Shape.Of(3), 3)], x => x[0] + x[1]),
        // Through Float32 and back: the rounding needs a wide step, exact since the function is linear.
        [typeof(CastOp)] = new([T(S23, 4)], x => Cast(Cast(x[0], DType.Float32), DType.Float64) * 3.0, 1e-2),
        [typeof(DivideOp)] = new([T(S23, 5), T(Shape.Of(2, 1), 6)], x => x[0] / x[1]),
        [typeof(EluOp)] = new([T(S23, 7)], x => Elu(x[0], 0.7)),
        [typeof(ExpOp)] = new([T(S23, 8)], x => Exp(x[0])),
        [typeof(GaussianOp)] = new([T(S23, 9)], x => Gaussian(x[0])),
        [typeof(LeakyReluOp)] = new([T(S23, 10)], x => LeakyRelu(x[0], 0.1)),
        [typeof(LogOp)] = new([T(S23, 11, positive: true)], x => Log(x[0])),
        [typeof(MapOp)] = new([T(S23, 12), T(Shape.Of(3), 13)], x => Map(x[0], x[1], (a, b) => Sigmoid(a) * Exp(b) - a * a)),
        [typeof(MaximumOp)] = new([T(S23, 14), T(Shape.Of(3), 15)], x => Maximum(x[0], x[1])),
        [typeof(MinimumOp)] = new([T(S23, 16), T(Shape.Of(3), 17)], x => Minimum(x[0], x[1])),
        [typeof(MultiplyOp)] = new([T(S23, 18), T(Shape.Of(2, 1), 19)], x => x[0] * x[1]),
        [typeof(NegativeOp)] = new([T(S23, 20)], x => -x[0]),
        [typeof(PowOp)] = new([T(S23, 21, positive: true), T(Shape.Of(3), 22)], x => Pow(x[0], x[1])),
        [typeof(ReluOp)] = new([T(S23, 23)], x => Relu(x[0])),
        [typeof(SeluOp)] = new([T(S23, 24)], x => Selu(x[0])),
        [typeof(SigmoidOp)] = new([T(S23, 25)], x => Sigmoid(x[0])),
        [typeof(SoftplusOp)] = new([T(S23, 26)], x => Softplus(x[0])),
        [typeof(SqrtOp)] = new([T(S23, 27, positive: true)], x => Sqrt(x[0])),
        [typeof(SquareOp)] = new([T(S23, 28)], x => Square(x[0])),
        [typeof(SubtractOp)] = new([T(S23, 29), T(Shape.Of(3), 30)], x => x[1] - x[0]),
        [typeof(TanhOp)] = new([T(S23, 31)], x => Tanh(x[0])),
        [typeof(WhereOp)] = new([T(S23, 32), T(Shape.Of(3), 33)], x => Where(Expr.Constant(Tensor.FromArray(new[] { 1.0, 0.0, 1.0 })), x[0], x[1])),
        [typeof(BroadcastLikeOp)] = new([T(Shape.Of(3), 34), T(S23, 35)], x => BroadcastLike(x[0], x[1]) * x[1]),
        [typeof(BroadcastToOp)] = new([T(Shape.Of(2, 1), 36)], x => BroadcastTo(x[0], Shape.Of(3, 2, 4))),
        [typeof(ConcatOp)] = new([T(S23, 37), T(Shape.Of(2, 1), 38)], x => Concat([x[0], x[1], x[0]], 1)),
        [typeof(ExpandDimsOp)] = new([T(S23, 39)], x => ExpandDims(x[0], 0, 2)),
        [typeof(PadIntoOp)] = new([T(Shape.Of(1, 2), 40), T(S23, 41)], x => Expr.Make(new PadIntoOp(new IntList([1, 1])), x[0], x[1])),
        [typeof(ReshapeOp)] = new([T(S23, 42)], x => Reshape(x[0], 3, -1) * Like(T(Shape.Of(3, 2), 43), x[0])),
        [typeof(SliceOp)] = new([T(Shape.Of(3, 4), 44)], x => Slice(x[0], [1, 1], [2, -1])),
        [typeof(SumToOp)] = new([T(Shape.Of(2, 2, 3), 45), T(Shape.Of(2, 1), 46)], x => SumToShapeOf(x[0], BroadcastLike(x[1], Expr.Constant(Tensor.Zeros(Shape.Of(2, 3))))) * 1.5),
        [typeof(TransposeOp)] = new([T(Shape.Of(2, 3, 4), 47)], x => Transpose(x[0], 2, 0, 1) * Like(T(Shape.Of(4, 2, 3), 48), x[0])),
        [typeof(ReduceMaxOp)] = new([T(Shape.Of(2, 3, 2), 49)], x => ReduceMax(x[0], [0, 2], true)),
        [typeof(ReduceSumOp)] = new([T(Shape.Of(2, 3, 2), 50)], x => ReduceSum(x[0], 1)),
        [typeof(LogSoftmaxOp)] = new([T(S23, 51)], x => LogSoftmax(x[0], 0)),
        [typeof(SoftmaxOp)] = new([T(S23, 52)], x => Softmax(x[0])),
        [typeof(CustomVjpOp)] = new([T(S23, 55), T(S23, 56)], x => CustomVjpTests.ScaledTanh(x[0], x[1])),
        // The check is the identity; reached through BatchNorm, the case also checks batch normalization's composite gradient.
        [typeof(BatchStatisticsCheckOp)] = new([T(Shape.Of(4, 3), 57), T(Shape.Of(3), 58), T(Shape.Of(3), 59)], x => BatchNorm(x[0], x[1], x[2]) * x[0]),
        [typeof(SinOp)] = new([T(S23, 61)], x => Sin(x[0] * 2.0)),
        [typeof(CosOp)] = new([T(S23, 62)], x => Cos(x[0] * 2.0)),
        [typeof(Log1pOp)] = new([T(S23, 63, positive: true)], x => Log1p(x[0])),
        [typeof(Expm1Op)] = new([T(S23, 64)], x => Expm1(x[0])),
        [typeof(ErfOp)] = new([T(S23, 65)], x => Erf(x[0] * 1.5)),
        [typeof(GeluOp)] = new([T(S23, 66)], x => Gelu(x[0] * 2.0) + Gelu(x[0] * 2.0 - 0.3, GeluApproximation.Tanh)),
        [typeof(SiluOp)] = new([T(S23, 67)], x => Silu(x[0] * 2.0)),
        [typeof(RsqrtOp)] = new([T(S23, 68, positive: true)], x => Rsqrt(x[0] + 0.25)),
        // Inputs in [0.25, 1] in magnitude: the bounds sit between them, away from the finite-difference steps.
        [typeof(ClipOp)] = new([T(S23, 69)], x => Clip(x[0], -0.6, 0.5)),
        [typeof(UserElementwiseOp)] = new([T(S23, 70), T(Shape.Of(3), 71)], x => UserOps.LogAddExp(UserOps.Swish(x[0]), x[1])),
        [typeof(MatMulOp)] = new([T(Shape.Of(2, 2, 3), 53), T(Shape.Of(3, 4), 54)], x => MatMul(x[0], x[1])),
        [typeof(Conv2DOp)] = new([T(Shape.Of(2, 4, 5, 6), 61), T(Shape.Of(6, 2, 3, 2), 62)],
            x => Conv2D(x[0], x[1], new Conv2DOptions { StrideH = 2, Padding = Padding2D.Explicit(1, 0, 1, 1), DilationW = 2, Groups = 2 })),
        [typeof(Conv2DInputGradientOp)] = new([T(Shape.Of(1, 4, 3, 3), 63), T(Shape.Of(4, 2, 3, 3), 64)],
            x => Conv2DTranspose(x[0], x[1], new Conv2DOptions { StrideH = 2, StrideW = 2, Padding = Padding2D.Symmetric(1, 1), Groups = 2 }, 1, 0)),
        [typeof(Conv2DFilterGradientOp)] = new([T(Shape.Of(2, 2, 5, 4), 65), T(Shape.Of(2, 4, 2, 4), 66)],
            x => Expr.Make(new Conv2DFilterGradientOp(new Conv2DGeometry(2, 1, 1, 0, 0, 1, 1, 1, 2), 3, 2), x[0], x[1])),
        [typeof(MaxPool2DOp)] = new([T(Shape.Of(2, 2, 5, 5), 67)], x => MaxPool2D(x[0], 3, 2, Padding2D.Symmetric(1, 1))),
        [typeof(MaxPool2DGradientOp)] = new([T(Shape.Of(1, 2, 4, 5), 68), T(Shape.Of(1, 2, 2, 5), 69)],
            x => Expr.Make(new MaxPool2DGradientOp(PoolGeometry), x[0], x[1])),
        [typeof(MaxPool2DSelectOp)] = new([T(Shape.Of(1, 2, 4, 5), 70), T(Shape.Of(1, 2, 4, 5), 71)],
            x => Expr.Make(new MaxPool2DSelectOp(PoolGeometry), x[0], x[1])),
        [typeof(AvgPool2DOp)] = new([T(Shape.Of(2, 2, 5, 4), 72)], x => AvgPool2D(x[0], new Pool2DOptions(3, 2, 2, 1, Padding2D.Explicit(1, 0, 1, 1)))),
        [typeof(AvgPool2DGradientOp)] = new([T(Shape.Of(1, 2, 2, 5), 73)], x => Expr.Make(new AvgPool2DGradientOp(PoolGeometry, 4, 5), x[0])),
        // Repeated indices (row 2 twice), indices of rank 2, and a batch dim; ScatterAdd sums into repeats.
        [typeof(GatherOp)] = new([T(Shape.Of(3, 4), 57)], x => Take(x[0], Ints([2, 0, 2, 1], 2, 2), 0) + ReduceSum(Gather(Square(x[0]), Ints([3, 0, 1, 1, 2, 2], 3, 2), 1, 1))),
        [typeof(ScatterAddOp)] = new([T(Shape.Of(2, 3), 58)], x => Square(ScatterAdd(x[0], Ints([1, 1], 2), Like(T(Shape.Of(4, 3), 59), x[0]), 0))),
    };

    /// <summary>
    /// The public functions of issue 13 that are composites of the ops above rather than ops of their own, and the
    /// geometries of the convolution and pooling ops the op cases leave out: each gradient-checked like an op.
    /// </summary>
    private static readonly Dictionary<string, Case> Composites = new()
    {
        ["LayerNorm"] = new([T(Shape.Of(3, 5), 80), T(Shape.Of(5), 81), T(Shape.Of(5), 82)], x => LayerNorm(x[0], x[1], x[2])),
        ["BatchNorm2D"] = new([T(Shape.Of(3, 2, 2, 3), 83), T(Shape.Of(2), 84), T(Shape.Of(2), 85)], x => BatchNorm(x[0], x[1], x[2]) * x[0]),
        ["BatchNormInference"] = new([T(Shape.Of(1, 3, 2), 86), T(Shape.Of(3), 87), T(Shape.Of(3), 88), T(Shape.Of(3), 89), T(Shape.Of(3), 90, positive: true)],
            x => BatchNormInference(x[0], x[1], x[2], x[3], x[4] + 0.1, 1e-5)),
        // A fixed key: the mask is a constant, so the gradient flows through the kept units, scaled by 1 / (1 − rate).
        ["Dropout"] = new([T(Shape.Of(4, 5), 91)], x => Square(Dropout(x[0], 0.4, RandomKey(7), training: true))),
        // Drawn in Float64 and cast, so that the Float32 case multiplies by the same numbers (a Float32 draw is another one).
        ["DrawsTimesInputs"] = new([T(S23, 92)], x => x[0] * Cast(RandomUniform(RandomKey(8), [2, 3], DType.Float64), x[0].DType)
            + Square(x[0]) * Cast(RandomNormal(KeyAt(RandomKey(8), 1), [2, 3], DType.Float64), x[0].DType)
            + x[0] * Cast(Bernoulli(KeyAt(RandomKey(8), 2), 0.5, [2, 3], DType.Float64), x[0].DType)),
        ["GlobalAvgPool2D"] = new([T(Shape.Of(2, 3, 3, 2), 93)], x => Square(GlobalAvgPool2D(x[0]))),
        ["Conv2DSameDilatedStrided"] = new([T(Shape.Of(1, 2, 6, 5), 94), T(Shape.Of(4, 2, 2, 3), 95)],
            x => Conv2D(x[0], x[1], new Conv2DOptions { StrideW = 2, DilationH = 2, Padding = Padding2D.Same })),
        ["Conv2DDepthwise"] = new([T(Shape.Of(2, 3, 4, 4), 96), T(Shape.Of(3, 1, 3, 3), 97)],
            x => Conv2D(x[0], x[1], new Conv2DOptions { Padding = Padding2D.Symmetric(1, 1), Groups = 3 })),
        ["Conv2DTransposeOutputPadding"] = new([T(Shape.Of(1, 2, 3, 2), 98), T(Shape.Of(2, 3, 2, 3), 99)],
            x => Conv2DTranspose(x[0], x[1], new Conv2DOptions { StrideH = 2, StrideW = 3, Padding = Padding2D.Explicit(1, 0, 0, 1) }, 1, 2)),
        ["AvgPool2DSame"] = new([T(Shape.Of(1, 2, 5, 4), 100)], x => AvgPool2D(x[0], 3, 2, Padding2D.Same)),
        ["MaxPool2DRectangular"] = new([T(Shape.Of(1, 2, 5, 6), 101)], x => MaxPool2D(x[0], new Pool2DOptions(2, 3, 2, 2, Padding2D.Explicit(0, 1, 1, 0)))),
        ["Embedding"] = new([T(Shape.Of(4, 3), 102)], x => Square(Embedding(x[0], Ints([3, 1, 3, 0], 2, 2)))),
    };

    public static TheoryData<string> CompositeNames => new(Composites.Keys);

    public static TheoryData<string, DType> CompositeNamesByFloatType
    {
        get
        {
            var data = new TheoryData<string, DType>();
            foreach (var name in Composites.Keys)
            {
                data.Add(name, DType.Float32);
                data.Add(name, DType.Float64);
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(CompositeNames))]
    public void CompositeGradientMatchesFiniteDifferences(string name)
    {
        var c = Composites[name];
        var inputs = c.Inputs.Select((t, i) => Expr.Placeholder($"x{i}", t.Shape)).ToArray();
        var built = new BuiltExpr(c.Build(inputs), inputs, c.Inputs);
        DerivativeChecks.VerifyGrad(built, new Random(name.Length), c.Eps, name);
        DerivativeChecks.VerifyJvp(built, new Random(name.Length + 1), c.Eps, name);
    }

    [Theory]
    [MemberData(nameof(CompositeNamesByFloatType))]
    public void CompositeDifferentiatesToSecondOrderInEitherFloatType(string name, DType dtype) =>
        AgreeToSecondOrder(Composites[name], dtype, name);

    /// <summary>
    /// Ops through which no gradient flows, with a node using them on a placeholder: comparisons, Sign, StopGradient,
    /// ArgMax, OneHot and SizeOf are piecewise constant or read only shapes; leaves have no inputs; map
    /// symbols live only inside map bodies.
    /// </summary>
    private static readonly Dictionary<Type, Func<Expr, Expr>> NonDifferentiable = new()
    {
        [typeof(EqualOp)] = x => Equal(x, 0.5),
        [typeof(NotEqualOp)] = x => NotEqual(x, 0.5),
        [typeof(LessOp)] = x => Less(x, 0.5),
        [typeof(LessEqualOp)] = x => LessEqual(x, 0.5),
        [typeof(GreaterOp)] = x => Greater(x, 0.5),
        [typeof(GreaterEqualOp)] = x => GreaterEqual(x, 0.5),
        [typeof(SignOp)] = Sign,
        [typeof(FloorOp)] = Floor,
        [typeof(RoundOp)] = Round,
        [typeof(StopGradientOp)] = StopGradient,
        [typeof(ArgMaxOp)] = x => ArgMax(x),
        [typeof(OneHotOp)] = x => OneHot(Cast(x, DType.Int32), 3),
        [typeof(SizeOfOp)] = x => Expr.Make(new SizeOfOp(new IntList([0])), x),
        [typeof(ConstantOp)] = _ => Expr.Constant(Tensor.Ones(S23)),
        [typeof(PlaceholderOp)] = _ => Expr.Placeholder("other", S23),
        [typeof(VariableOp)] = _ => Expr.Variable("v", Tensor.Ones(S23)),
        [typeof(MapSymbolOp)] = _ => Expr.Make(new MapSymbolOp(0, DType.Float64)),
        // Random ops draw from a key (here Int32 words made from x): a discrete seed, so nothing flows to it.
        [typeof(SplitKeyOp)] = x => SplitKey(KeyOf(x), 3),
        [typeof(RandomUniformOp)] = x => RandomUniform(KeyOf(x), [2, 3], DType.Float64),
        [typeof(RandomNormalOp)] = x => RandomNormal(KeyOf(x), [2, 3], DType.Float64),
        [typeof(BernoulliOp)] = x => Bernoulli(KeyOf(x), 0.5, [2, 3], DType.Float64),
    };

    private static IEnumerable<Type> CatalogueOps() =>
        typeof(Op).Assembly.GetTypes().Where(t => !t.IsAbstract && t.IsSubclassOf(typeof(Op)));

    public static TheoryData<string> DifferentiableNames => new(Differentiable.Keys.Select(t => t.Name));

    public static TheoryData<string> NonDifferentiableNames => new(NonDifferentiable.Keys.Select(t => t.Name));

    [Fact]
    public void EveryOpHasACase()
    {
        var ops = CatalogueOps().ToList();
        Assert.True(ops.Count >= 50, $"reflection found only {ops.Count} ops");
        var missing = ops.Where(t => !Differentiable.ContainsKey(t) && !NonDifferentiable.ContainsKey(t)).Select(t => t.Name).ToList();
        Assert.True(missing.Count == 0, $"ops without a gradient-check case: {string.Join(", ", missing)}");
        Assert.Empty(Differentiable.Keys.Intersect(NonDifferentiable.Keys));
    }

    [Theory]
    [MemberData(nameof(DifferentiableNames))]
    public void GradientMatchesFiniteDifferences(string opName)
    {
        var (type, c) = Differentiable.Single(p => p.Key.Name == opName);
        var inputs = c.Inputs.Select((t, i) => Expr.Placeholder($"x{i}", t.Shape)).ToArray();
        var output = c.Build(inputs);
        Assert.Contains(GraphWalk.Topological([output]), n => n.Op.GetType() == type);
        var built = new BuiltExpr(output, inputs, c.Inputs);
        DerivativeChecks.VerifyGrad(built, new Random(opName.Length), c.Eps, opName);
        DerivativeChecks.VerifyJvp(built, new Random(opName.Length + 1), c.Eps, opName);
    }

    public static TheoryData<string, DType> DifferentiableNamesByFloatType
    {
        get
        {
            var data = new TheoryData<string, DType>();
            foreach (var t in Differentiable.Keys)
            {
                data.Add(t.Name, DType.Float32);
                data.Add(t.Name, DType.Float64);
            }
            return data;
        }
    }

    /// <summary>
    /// Derivative rules are Expr built with bare numbers (<c>b - 1.0</c>, <c>y * (1.0 - y)</c>), so every op must
    /// differentiate to first and second order in Float32 as in Float64 — gradient, JVP, HVP and the JVP of the
    /// gradient — in the input dtype, and Float32 must agree with Float64 to Float32 accuracy.
    /// </summary>
    [Theory]
    [MemberData(nameof(DifferentiableNamesByFloatType))]
    public void DifferentiatesToSecondOrderInEitherFloatType(string opName, DType dtype) =>
        AgreeToSecondOrder(Differentiable.Single(p => p.Key.Name == opName).Value, dtype, opName);

    private static void AgreeToSecondOrder(Case c, DType dtype, string opName)
    {
        var inFloat64 = SecondOrder(c, DType.Float64, opName);
        var inDType = SecondOrder(c, dtype, opName);
        for (var i = 0; i < inFloat64.Length; i++)
        {
            Assert.Equal(inFloat64[i].Shape, inDType[i].Shape);
            var scale = Math.Max(1, inFloat64[i].ToDoubleArray().Select(Math.Abs).DefaultIfEmpty(0).Max());
            Assert.True(inDType[i].Cast(DType.Float64).AllClose(inFloat64[i], 1e-3, 1e-3 * scale),
                $"{opName} {dtype}: derivative {i} differs from Float64 by {inDType[i].Cast(DType.Float64).MaxAbsDifference(inFloat64[i]):E2}");
        }
    }

    /// <summary>The gradients, JVP, HVPs and JVP of the first gradient of a case built in <paramref name="dtype"/>.</summary>
    private static Tensor[] SecondOrder(Case c, DType dtype, string opName)
    {
        var rng = new Random(opName.Length);
        var inputs = c.Inputs.Select((t, i) => Expr.Placeholder($"x{i}", t.Shape, dtype)).ToArray();
        var output = c.Build(inputs);
        var cost = ReduceSum(Like(DerivativeChecks.Projection(rng, output.Shape), output) * output);
        var grads = Gradients(cost, inputs);
        var directions = c.Inputs.Select(t => Expr.Constant(DerivativeChecks.Direction(rng, t.Shape).Cast(dtype))).ToArray();
        Expr[] all = [.. grads, Jvp(output, inputs, directions), .. Hvp(cost, inputs, directions), Jvp(grads[0], inputs, directions)];
        foreach (var (g, x) in grads.Zip(inputs))
        {
            Assert.Equal(dtype, g.DType);
            Assert.Equal(x.Shape, g.Shape);
        }
        var feeds = inputs.Zip(c.Inputs).ToDictionary(p => p.First, p => p.Second.Cast(dtype));
        return Eval(all, feeds);
    }

    [Theory]
    [MemberData(nameof(NonDifferentiableNames))]
    public void NonDifferentiableOpsGiveNoGradient(string opName)
    {
        var (type, build) = NonDifferentiable.Single(p => p.Key.Name == opName);
        var x = Expr.Placeholder("x", S23);
        var node = build(x);
        Assert.Equal(type, node.Op.GetType());
        var seed = Expr.Constant(Tensor.Ones(node.Shape, node.DType.IsFloat() ? node.DType : DType.Float64));
        var vjp = node.Op.Vjp(node, seed);
        Assert.Equal(node.Inputs.Count, vjp.Length);
        Assert.All(vjp, Assert.Null);
        Assert.Null(node.Op.Jvp(node, node.Inputs.Select(i => (Expr?)Expr.Constant(Tensor.Ones(i.Shape, i.DType))).ToArray()));
        if (node.Inputs.Count > 0)
        {
            // Through the public API too: a loss built on the op has a zero gradient of x's shape.
            var g = Gradient(ReduceSum(Cast(node, DType.Float64)), x).Eval((x, T(S23, 60)));
            Assert.Equal(Tensor.Zeros(S23), g);
        }
    }

}
