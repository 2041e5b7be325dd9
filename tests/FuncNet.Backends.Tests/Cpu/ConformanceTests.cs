using static FuncNet.Ops;

namespace FuncNet.Backends.Tests.Cpu;

/// <summary>
/// Every CPU backend against the Reference backend on graphs that exercise each specialized kernel and
/// layout (fused maps with row, column and scalar broadcasts, GEMM with every transpose flag and batch,
/// reductions, softmax, views) and their gradients, through the shared ConformanceSuite (which `funcnet
/// selftest` also runs): within 1e-5 relative in Float32 and 1e-12 in Float64.
/// </summary>
public class ConformanceTests
{
    private static Tensor Random(Shape shape, DType dtype, int seed, double low = -1, double high = 1)
    {
        var rng = new Random(seed);
        return Tensor.FromSpan(shape, Enumerable.Range(0, shape.Size).Select(_ => low + (high - low) * rng.NextDouble()).ToArray(), dtype);
    }

    private static void AgreeWithReference(string backendName, DType dtype, string name)
    {
        var result = FuncNet.Backends.Conformance.ConformanceSuite.Run(FuncNet.Backends.Conformance.ConformanceGraphs.Get(name), Backends.Get(backendName), dtype);
        Assert.True(result.Passed, $"{backendName} {dtype} {name}: {result.Detail}");
    }

    public static TheoryData<string, DType> Cases => new()
    {
        { "managed", DType.Float32 }, { "managed", DType.Float64 }, { "mkl", DType.Float32 }, { "mkl", DType.Float64 },
        { "openblas", DType.Float32 }, { "openblas", DType.Float64 }, { "cuda", DType.Float32 }, { "cuda", DType.Float64 },
    };

    [SkippableTheory, MemberData(nameof(Cases))]
    public void MultiLayerPerceptronStep(string backend, DType dtype) =>
        AgreeWithReference(backend, dtype, nameof(MultiLayerPerceptronStep));

    [SkippableTheory, MemberData(nameof(Cases))]
    public void FusedElementwiseWithEveryBroadcastLayout(string backend, DType dtype) =>
        AgreeWithReference(backend, dtype, nameof(FusedElementwiseWithEveryBroadcastLayout));

    [SkippableTheory, MemberData(nameof(Cases))]
    public void GemmWithTransposesBatchesAndVectors(string backend, DType dtype) =>
        AgreeWithReference(backend, dtype, nameof(GemmWithTransposesBatchesAndVectors));

    [SkippableTheory, MemberData(nameof(Cases))]
    public void ReductionsSoftmaxAndViews(string backend, DType dtype) =>
        AgreeWithReference(backend, dtype, nameof(ReductionsSoftmaxAndViews));

    [SkippableTheory, MemberData(nameof(Cases))]
    public void ActivationsAndRounding(string backend, DType dtype) => AgreeWithReference(backend, dtype, nameof(ActivationsAndRounding));

    [SkippableTheory, MemberData(nameof(Cases))]
    public void ShortRows(string backend, DType dtype) => AgreeWithReference(backend, dtype, nameof(ShortRows));

    [SkippableTheory, MemberData(nameof(Cases))]
    public void ZeroSizeDimensions(string backend, DType dtype) => AgreeWithReference(backend, dtype, nameof(ZeroSizeDimensions));

    [SkippableTheory, MemberData(nameof(Cases))]
    public void ConvolutionAndPooling(string backend, DType dtype) => AgreeWithReference(backend, dtype, nameof(ConvolutionAndPooling));

    [SkippableTheory, MemberData(nameof(Cases))]
    public void ConvolutionVariants(string backend, DType dtype) => AgreeWithReference(backend, dtype, nameof(ConvolutionVariants));

    [SkippableTheory, MemberData(nameof(Cases))]
    public void Normalization(string backend, DType dtype) => AgreeWithReference(backend, dtype, nameof(Normalization));

    [SkippableTheory, MemberData(nameof(Cases))]
    public void LargeEnoughToRunInParallel(string backend, DType dtype) => AgreeWithReference(backend, dtype, nameof(LargeEnoughToRunInParallel));

    /// <summary>A new case in the shared list must get its own test row above.</summary>
    [SkippableTheory, MemberData(nameof(Cases))]
    public void GatherScatterAndRandomDraws(string backend, DType dtype) =>
        AgreeWithReference(backend, dtype, nameof(GatherScatterAndRandomDraws));

    [SkippableTheory, MemberData(nameof(Cases))]
    public void ConcatSliceAndPadInto(string backend, DType dtype) => AgreeWithReference(backend, dtype, nameof(ConcatSliceAndPadInto));

    [Fact]
    public void EveryConformanceCaseHasATest() =>
        Assert.All(FuncNet.Backends.Conformance.ConformanceGraphs.All, c => Assert.NotNull(typeof(ConformanceTests).GetMethod(c.Name)));

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
