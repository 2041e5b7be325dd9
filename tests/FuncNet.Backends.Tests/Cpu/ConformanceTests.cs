using static FuncNet.Ops;

namespace FuncNet.Backends.Tests.Cpu;

/// <summary>
/// Every CPU backend against the Reference backend on graphs that exercise each specialized kernel and
/// layout (fused maps with row, column and scalar broadcasts, GEMM with every transpose flag and batch,
/// reductions, softmax, views) and their gradients: within 1e-5 relative in Float32 and 1e-12 in Float64
/// (elementwise, with an absolute floor of that tolerance times the tensor's largest magnitude).
/// </summary>
public class ConformanceTests
{
    private static Tensor Random(Shape shape, DType dtype, int seed, double low = -1, double high = 1)
    {
        var rng = new Random(seed);
        return Tensor.FromSpan(shape, Enumerable.Range(0, shape.Size).Select(_ => low + (high - low) * rng.NextDouble()).ToArray(), dtype);
    }

    internal static void AgreeWithReference(string backendName, DType dtype, Func<Expr[], Expr[]> build, params Shape[] inputShapes)
    {
        var backend = Backends.Get(backendName);
        var inputs = inputShapes.Select((s, i) => Expr.Placeholder($"x{i}", s, dtype)).ToArray();
        var feeds = inputs.Select((p, i) => (p, Random(p.Shape, dtype, 17 + i))).ToDictionary(t => t.p, t => t.Item2);
        var outputs = build(inputs);
        var scalar = outputs.Select(o => ReduceSum(o * o)).Aggregate((a, b) => a + b);
        var all = outputs.Concat(Gradients(scalar, inputs)).ToArray();
        Tensor[] expected, actual;
        using (var plan = Plan.Compile(all, Backend.Reference)) { expected = plan.Run(feeds); }
        using (var plan = Plan.Compile(all, backend)) { actual = plan.Run(feeds); }
        var rtol = dtype == DType.Float32 ? 1e-5 : 1e-12;
        for (var i = 0; i < all.Length; i++)
        {
            Assert.Equal(expected[i].Shape, actual[i].Shape);
            // Relative to the tensor's scale: a Float32 sum of hundreds of terms that cancels to near zero is
            // only as accurate as its terms, so elementwise relative error alone would be meaningless there.
            var scale = expected[i].ToArray<double>().Select(Math.Abs).DefaultIfEmpty(0).Max();
            Assert.True(actual[i].AllClose(expected[i], rtol, rtol * Math.Max(1, scale)),
                $"{backend.Name} {dtype}: output {i} ({all[i].Op.Name}) differs by {expected[i].MaxAbsDifference(actual[i]):E3}");
        }
    }

    public static TheoryData<string, DType> Cases => new()
    {
        { "managed", DType.Float32 }, { "managed", DType.Float64 }, { "mkl", DType.Float32 }, { "mkl", DType.Float64 },
        { "cuda", DType.Float32 }, { "cuda", DType.Float64 },
    };

    [SkippableTheory, MemberData(nameof(Cases))]
    public void MultiLayerPerceptronStep(string backend, DType dtype) =>
        AgreeWithReference(backend, dtype, x => ConformanceGraphs.MultiLayerPerceptronStep(x, dtype), ConformanceGraphs.Shapes["MultiLayerPerceptronStep"]);

    [SkippableTheory, MemberData(nameof(Cases))]
    public void FusedElementwiseWithEveryBroadcastLayout(string backend, DType dtype) =>
        AgreeWithReference(backend, dtype, x => ConformanceGraphs.FusedElementwiseWithEveryBroadcastLayout(x, dtype), ConformanceGraphs.Shapes["FusedElementwiseWithEveryBroadcastLayout"]);

    [SkippableTheory, MemberData(nameof(Cases))]
    public void GemmWithTransposesBatchesAndVectors(string backend, DType dtype) =>
        AgreeWithReference(backend, dtype, x => ConformanceGraphs.GemmWithTransposesBatchesAndVectors(x, dtype), ConformanceGraphs.Shapes["GemmWithTransposesBatchesAndVectors"]);

    [SkippableTheory, MemberData(nameof(Cases))]
    public void ReductionsSoftmaxAndViews(string backend, DType dtype) =>
        AgreeWithReference(backend, dtype, x => ConformanceGraphs.ReductionsSoftmaxAndViews(x, dtype), ConformanceGraphs.Shapes["ReductionsSoftmaxAndViews"]);

    /// <summary>Rows shorter than a vector (the curriculum's two classes): row and column operands are expanded, softmax runs whole-tensor.</summary>
    [SkippableTheory, MemberData(nameof(Cases))]
    public void ShortRows(string backend, DType dtype) =>
        AgreeWithReference(backend, dtype, x =>
        [
            Exp(x[0] * x[1] - x[2]) + x[1],
            LogSoftmax(x[0] + x[1]), Softmax(x[0] * x[2]),
            ReduceSum(x[0] * x[0], 0), ReduceMax(x[0], 1),
            MatMul(x[0], x[3]), MatMul(x[0], x[0], true, false),
        ], Shape.Of(50, 3), Shape.Of(3), Shape.Of(50, 1), Shape.Of(3, 2));

    /// <summary>Sizes above the thresholds where kernels and GEMMs split across the worker threads.</summary>
    [SkippableTheory, MemberData(nameof(Cases))]
    public void LargeEnoughToRunInParallel(string backend, DType dtype) =>
        AgreeWithReference(backend, dtype, x =>
        [
            Sigmoid(x[0] * 0.5 + x[1]) * Tanh(x[0]),
            MatMul(x[2], x[3]),
            MatMul(x[3], x[4], true, false),
        ], Shape.Of(400, 400), Shape.Of(400), Shape.Of(200, 300), Shape.Of(300, 120), Shape.Of(300, 40));

    [SkippableTheory, MemberData(nameof(Backends.Names), MemberType = typeof(Backends))]
    public void UnknownBatchDimensionsResolveWhenFed(string backendName)
    {
        var backend = Backends.Get(backendName);
        var x = Expr.Placeholder("x", Shape.Of(-1, 3), DType.Float32);
        var w = Expr.Variable("w", Tensor.FromArray(new float[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } }));
        var y = ReduceMean(Relu(MatMul(x, w) - 10.0f));
        using var plan = Plan.Compile([y, Gradient(y, w)], backend);
        foreach (var rows in new[] { 1, 4, 9 })
        {
            var feed = Random(Shape.Of(rows, 3), DType.Float32, rows, 0, 5);
            var reference = Ops.Eval([y, Gradient(y, w)], new Dictionary<Expr, Tensor> { [x] = feed });
            var actual = plan.Run(new Dictionary<Expr, Tensor> { [x] = feed });
            Assert.True(actual[0].AllClose(reference[0], 1e-5, 1e-6));
            Assert.True(actual[1].AllClose(reference[1], 1e-5, 1e-6));
        }
    }

    [SkippableTheory, MemberData(nameof(Backends.Names), MemberType = typeof(Backends))]
    public void RepeatedRunsReleaseEveryValue(string backendName)
    {
        var backend = Backends.Get(backendName);
        var x = Expr.Placeholder("x", Shape.Of(8, 8), DType.Float64);
        var y = ReduceSum(Sigmoid(MatMul(x, x)) * 2.0);
        using var plan = Plan.Compile([y, Gradient(y, x)], backend);
        var feeds = new Dictionary<Expr, Tensor> { [x] = Random(Shape.Of(8, 8), DType.Float64, 3) };
        plan.Run(feeds);
        var live = backend.LiveTensors;
        for (var i = 0; i < 20; i++) { plan.Run(feeds); }
        Assert.Equal(live, backend.LiveTensors);
    }
}
