using FuncNet.Backends.Cuda;
using FuncNet.Expressions;
using FuncNet.Lowering;
using FuncNet.Tensors;
using static FuncNet.Ops;

namespace FuncNet.Backends.Tests;

/// <summary>
/// Every op of the catalogue (found by reflection) × every backend: the op must lower to a kernel kind that
/// the backend runs natively at a typical layout, or be listed here as reference-only on that backend with
/// the reason. A new op without a sample, or one that lowers to a kind a backend lacks without being
/// listed, fails; so does a listing that has become stale. CUDA is checked through its pure planner (no GPU).
/// </summary>
public class LoweringCoverageTests
{
    private static Expr P(string name, params int[] dims) => Expr.Placeholder(name, Shape.Of(dims), DType.Float64);

    private static readonly Expr X = P("x", 2, 3), Row = P("row", 3);

    private static readonly Conv2DGeometry ConvGeometry = new(1, 1, 1, 1, 1, 1, 1, 1, 2);

    private static readonly Pool2DGeometry PoolGeometry = new(2, 2, 2, 2, 0, 0, 0, 0);
    private static readonly Expr Ids = Expr.Placeholder("ids", Shape.Of(4), DType.Int32), Key = Expr.Placeholder("key", Shape.Of(2), DType.Int32);

    /// <summary>One node per non-elementwise op type at a typical layout (elementwise ops come from the CUDA catalogue's graph).</summary>
    private static readonly Dictionary<Type, Func<Expr>> Samples = new()
    {
        [typeof(ConstantOp)] = () => Expr.Constant(Tensor.FromArray(new[] { 1.0, 2.0 })),
        [typeof(PlaceholderOp)] = () => X,
        [typeof(VariableOp)] = () => Expr.Variable("v", Tensor.Zeros(Shape.Of(2), DType.Float64)),
        [typeof(MapSymbolOp)] = () => Expr.Make(new MapSymbolOp(0, DType.Float64)),
        [typeof(MatMulOp)] = () => Expr.Make(new MatMulOp(false, true), X, P("w", 4, 3)),
        [typeof(ReduceSumOp)] = () => Expr.Make(new ReduceSumOp(new IntList([1]), false), X),
        [typeof(ReduceMaxOp)] = () => Expr.Make(new ReduceMaxOp(new IntList([0]), true), X),
        [typeof(SizeOfOp)] = () => Expr.Make(new SizeOfOp(new IntList([0])), X),
        [typeof(SumToOp)] = () => Expr.Make(new SumToOp(), X, Row),
        [typeof(SoftmaxOp)] = () => Expr.Make(new SoftmaxOp(1), X),
        [typeof(LogSoftmaxOp)] = () => Expr.Make(new LogSoftmaxOp(1), X),
        [typeof(BroadcastLikeOp)] = () => Expr.Make(new BroadcastLikeOp(), Row, X),
        [typeof(BroadcastToOp)] = () => Expr.Make(new BroadcastToOp(Shape.Of(4, 2, 3)), X),
        [typeof(ReshapeOp)] = () => Expr.Make(new ReshapeOp(new IntList([3, 2])), X),
        [typeof(ExpandDimsOp)] = () => Expr.Make(new ExpandDimsOp(new IntList([0])), X),
        [typeof(TransposeOp)] = () => Expr.Make(new TransposeOp(new IntList([2, 0, 1])), P("t", 2, 3, 4)),
        [typeof(ConcatOp)] = () => Expr.Make(new ConcatOp(1), X, X),
        [typeof(SliceOp)] = () => Expr.Make(new SliceOp(new IntList([0, 1]), new IntList([2, 2])), X),
        [typeof(PadIntoOp)] = () => Expr.Make(new PadIntoOp(new IntList([0, 1])), P("small", 2, 2), X),
        [typeof(ArgMaxOp)] = () => Expr.Make(new ArgMaxOp(1), X),
        [typeof(OneHotOp)] = () => Expr.Make(new OneHotOp(4, DType.Float64), Expr.Placeholder("labels", Shape.Of(3), DType.Int32)),
        [typeof(CustomVjpOp)] = () => CustomVjp("Twice", xs => xs[0] * 2.0, (xs, y, g) => [g * 2.0], X),
        [typeof(Conv2DOp)] = () => Conv2D(P("images", 2, 4, 6, 6), P("filters", 6, 2, 3, 3), new Conv2DOptions { Padding = Padding2D.Same, Groups = 2 }),
        [typeof(Conv2DInputGradientOp)] = () => Conv2DTranspose(P("gradients", 2, 6, 3, 3), P("filters", 6, 4, 3, 3), Conv2DOptions.WithStride(2, Padding2D.Symmetric(1, 1))),
        [typeof(Conv2DFilterGradientOp)] = () => Expr.Make(new Conv2DFilterGradientOp(ConvGeometry, 3, 3), P("images", 2, 4, 6, 6), P("gradients", 2, 6, 6, 6)),
        [typeof(MaxPool2DOp)] = () => MaxPool2D(P("images", 2, 3, 6, 6), 2),
        [typeof(MaxPool2DGradientOp)] = () => Expr.Make(new MaxPool2DGradientOp(PoolGeometry), P("images", 2, 3, 6, 6), P("gradients", 2, 3, 3, 3)),
        [typeof(MaxPool2DSelectOp)] = () => Expr.Make(new MaxPool2DSelectOp(PoolGeometry), P("images", 2, 3, 6, 6), P("tangents", 2, 3, 6, 6)),
        [typeof(AvgPool2DOp)] = () => AvgPool2D(P("images", 2, 3, 6, 6), 2),
        [typeof(AvgPool2DGradientOp)] = () => Expr.Make(new AvgPool2DGradientOp(PoolGeometry, 6, 6), P("gradients", 2, 3, 3, 3)),
        [typeof(GatherOp)] = () => Take(X, Ids, 1),
        [typeof(ScatterAddOp)] = () => ScatterAdd(P("updates", 2, 4), Ids, X, 1),
        [typeof(SplitKeyOp)] = () => SplitKey(Key, 3),
        [typeof(RandomUniformOp)] = () => RandomUniform(Key, [2, 3], DType.Float64),
        [typeof(RandomNormalOp)] = () => RandomNormal(Key, [2, 3], DType.Float64),
        [typeof(BernoulliOp)] = () => Bernoulli(Key, 0.3, [2, 3], DType.Float64),
    };

    private const string NoKernelYet = "no native kernel kind yet: runs its reference kernel on the host";

    private static readonly Dictionary<Type, string> EveryBackend = new()
    {
        [typeof(ArgMaxOp)] = NoKernelYet,
        [typeof(OneHotOp)] = NoKernelYet,
        [typeof(CustomVjpOp)] = "plans inline its body before lowering, so the node itself never reaches a backend",
    };

    private static readonly Dictionary<Type, string> OnCuda = new(EveryBackend);

    private static readonly Dictionary<Type, string> OnCpu = new(EveryBackend)
    {
        [typeof(CastOp)] = "CPU kernels are compiled for one float type; a cast reads one type and writes another",
    };

    /// <summary>What runs through the reference kernel on each backend, and why.</summary>
    private static readonly Dictionary<string, Dictionary<Type, string>> ReferenceOnly = new()
    {
        ["managed"] = OnCpu,
        ["mkl"] = OnCpu,
        ["openblas"] = OnCpu,
        ["cuda"] = OnCuda,
    };

    public static TheoryData<string> BackendNames => new(ReferenceOnly.Keys);

    private static IEnumerable<Type> OpTypes => typeof(Op).Assembly.GetTypes().Where(t => !t.IsAbstract && t.IsSubclassOf(typeof(Op)));

    /// <summary>The sample node for each op type: from <see cref="Samples"/>, or for elementwise ops their first use in the catalogue graph.</summary>
    private static Dictionary<Type, Expr> SampleNodes()
    {
        var nodes = Samples.ToDictionary(p => p.Key, p => p.Value());
        var every = FuncNet.Backends.Tests.Cuda.CudaKernelCatalogue.EveryElementwiseOp([P("a", 4, 5), P("b", 5)], DType.Float64);
        foreach (var node in GraphWalk.Topological(every))
        {
            nodes.TryAdd(node.Op.GetType(), node);
        }
        return nodes;
    }

    [SkippableTheory, MemberData(nameof(BackendNames))]
    public void EveryOpLowersToAKindTheBackendRunsNativelyOrIsListed(string backend)
    {
        var gaps = Gaps(OpTypes, SampleNodes(), backend, ReferenceOnly[backend]);
        Assert.True(gaps.Count == 0, string.Join("\n", gaps));
    }

    [Fact]
    public void AnUnlistedOpWithoutANativeKindFailsOnEveryBackend()
    {
        var node = Expr.Make(new UnlistedOp(), X);
        foreach (var backend in new[] { "managed", "cuda" })
        {
            var gap = Assert.Single(Gaps([typeof(UnlistedOp)], new() { [typeof(UnlistedOp)] = node }, backend, ReferenceOnly[backend]));
            Assert.Contains("UnlistedOp lowers to reference only", gap);
            Assert.Contains($"list it for {backend}", gap);
        }
        var noSample = Assert.Single(Gaps([typeof(UnlistedOp)], [], "cuda", ReferenceOnly["cuda"]));
        Assert.Contains("UnlistedOp has no sample", noSample);
    }

    [Fact]
    public void AStaleListingFails()
    {
        var stale = new Dictionary<Type, string>(EveryBackend) { [typeof(MatMulOp)] = "outdated" };
        var gap = Assert.Single(Gaps([typeof(MatMulOp)], SampleNodes(), "cuda", stale));
        Assert.Contains("remove it from the list", gap);
    }

    [Fact]
    public void SizeOfIsAFillOnCudaSoAMeanOverAnUnknownBatchNeedsNoHostStep()
    {
        var step = Assert.IsType<GeneratedStep>(CudaKernelPlanner.Plan(new SizeOfOp(new IntList([0])), [Shape.Of(16, 10)], [DType.Float32], Shape.Scalar, DType.Float32));
        Assert.Equal("fill", step.Kind);
        Assert.Equal([1L, BitConverter.DoubleToInt64Bits(16)], step.Scalars);
        Assert.Empty(step.Inputs);
        // A raw ReduceMean has a SizeOf node, so the fill kernel is among those NVRTC compiles in CudaKernelCompilationTests.
        Assert.Contains(FuncNet.Backends.Tests.Cuda.CudaKernelCatalogue.Plan(DType.Float32), p => p.Step is GeneratedStep { Kind: "fill" });
    }

    [Fact]
    public void GathersAreGeneratedKernelsWithAStatusWordOnCuda()
    {
        var table = Expr.Placeholder("labels", Shape.Of(2, 3), DType.Int32);
        var counts = Expr.Placeholder("counts", Shape.Of(2, 4), DType.Int32);
        foreach (var node in new[] { Take(X, Ids, 1), ScatterAdd(P("updates", 2, 4), Ids, X, 1), Take(table, Ids, 1), ScatterAdd(counts, Ids, table, 1) })
        {
            var step = Assert.IsType<GatherStep>(CudaKernelPlanner.Plan(node.Op, node.Inputs.Select(i => i.Shape).ToArray(),
                                                                        node.Inputs.Select(i => i.DType).ToArray(), node.Shape, node.DType));
            // A bad index lowers the status word and is skipped, never followed; the kernel NVRTC compiles in CudaKernelCompilationTests.
            Assert.Contains("atomicMin(status, ((unsigned long long)position << 32) | (unsigned int)j);", step.Source);
            Assert.Contains("if (j < 0 || j >= length) { continue; }", step.Source);
            Assert.StartsWith($"namespace {CudaCodeGenerator.Entry}_ns {{\nextern \"C\" __global__ void {CudaCodeGenerator.Entry}({CudaCodeGenerator.CType(node.DType)}* __restrict__ out,",
                              step.Source.ReplaceLineEndings("\n"));
            Assert.Equal(node.Op is ScatterAddOp, step.Gather.Scatter);
            Assert.Equal(3, step.Gather.Geometry.Length);
        }
    }

    [Fact]
    public void ABiasGradientIsADeterministicSplitReductionKernelOnCuda()
    {
        // SumTo (C, 1, 1) from (N, C, H, W), a convolution bias's gradient, and a per-channel maximum.
        foreach (var (node, max) in new[] { (SumToShapeOf(P("y", 2, 4, 3, 5), P("bias", 4, 1, 1)), false), (ReduceMax(P("y", 2, 4, 3, 5), 0, 2, 3), true) })
        {
            var shapes = node.Inputs.Select(i => i.Shape).ToArray();
            var dtypes = node.Inputs.Select(i => i.DType).ToArray();
            Assert.Equal(new SplitReductionKind(2, 4, 15, max), node.Op.Lower(shapes, dtypes, node.Shape, node.DType));
            var step = Assert.IsType<GeneratedStep>(CudaKernelPlanner.Plan(node.Op, shapes, dtypes, node.Shape, node.DType));
            Assert.Equal([2L, 4, 15], step.Scalars);
            Assert.Equal([0], step.Inputs);
            // One block per channel; the threads' partial results combine in a fixed tree, with no atomics.
            Assert.Equal(4u, step.Grid);
            Assert.DoesNotContain("atomic", step.Source, StringComparison.Ordinal);
            Assert.Contains(max ? "funcnet_max(a, b)" : "a + b", step.Source, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void AStatusWordDecodesToTheIndexItsPositionAndTheAxisLength()
    {
        var gather = (GatherKind)Take(X, Ids, 1).Op.Lower([X.Shape, Ids.Shape], [DType.Float64, DType.Int32], Shape.Of(2, 4), DType.Float64);
        Assert.Null(CudaIndexChecks.Report(gather, CudaIndexChecks.NoBadIndex));
        foreach (var (position, index) in new[] { (2, 3), (0, -1), (3, int.MinValue), (1, int.MaxValue) })
        {
            // As the kernel encodes it: the position in the high half, the index's 32 bits in the low half.
            var word = ((ulong)position << 32) | (uint)index;
            var message = CudaIndexChecks.Report(gather, word)!.Message;
            Assert.Contains($"index {index} (at flat position {position} ", message);
            Assert.Contains("axis 1 of length 3", message);
        }
    }

    /// <summary>What is wrong with the op types' coverage on <paramref name="backend"/>: one line per gap, empty when none.</summary>
    private static List<string> Gaps(IEnumerable<Type> types, Dictionary<Type, Expr> samples, string backend, IReadOnlyDictionary<Type, string> listed)
    {
        var gaps = new List<string>();
        foreach (var type in types)
        {
            if (!samples.TryGetValue(type, out var node))
            {
                gaps.Add($"{type.Name} has no sample: add one to LoweringCoverageTests.Samples (or, for an elementwise op, to CudaKernelCatalogue.EveryElementwiseOp)");
                continue;
            }
            var shapes = node.Inputs.Select(i => i.Shape).ToArray();
            var dtypes = node.Inputs.Select(i => i.DType).ToArray();
            var kind = node.Op.Lower(shapes, dtypes, node.Shape, node.DType);
            if ((kind is BoundKind) != (node.Inputs.Count == 0))
            {
                gaps.Add($"{type.Name} has {node.Inputs.Count} inputs but lowers to {kind.Describe()}: exactly the nodes without inputs are bound");
                continue;
            }
            if (kind is BoundKind)
            {
                continue;
            }
            var native = Native(backend, node, shapes, dtypes, kind);
            var isListed = listed.TryGetValue(type, out var reason);
            if (native && isListed)
            {
                gaps.Add($"{type.Name} runs natively on {backend} ({kind.Describe()}) but is listed as reference-only there: remove it from the list");
            }
            else if (!native && !isListed)
            {
                gaps.Add($"{type.Name} lowers to {kind.Describe()}, which {backend} does not run natively: lower it to a kind {backend} implements, or list it for {backend} as reference-only with the reason");
            }
            else if (!native && string.IsNullOrWhiteSpace(reason))
            {
                gaps.Add($"{type.Name} is listed as reference-only on {backend} without a reason");
            }
        }
        return gaps;
    }

    private static bool Native(string backend, Expr node, Shape[] shapes, DType[] dtypes, KernelKind kind) => backend == "cuda"
        ? CudaKernelPlanner.Plan(kind, shapes, dtypes, node.Shape, node.DType) is not FallbackStep
        : FuncNet.Backends.Tests.Cpu.Backends.Get(backend).Prepare(node, shapes, node.Shape, node.DType) is not ReferenceBackend.ReferenceKernel;

    /// <summary>A new op as someone might add it: a reference kernel and nothing else.</summary>
    private sealed record UnlistedOp : Op
    {
        public override string Name => "Unlisted";
        internal override (Shape Shape, DType DType) Infer(IReadOnlyList<Shape> shapes, IReadOnlyList<DType> dtypes) => (shapes[0], dtypes[0]);
        internal override Tensor Reference(IReadOnlyList<Tensor> inputs, Shape outputShape, DType outputDType) => inputs[0];
        internal override Expr?[] Vjp(Expr node, Expr gradient) => [gradient];
        internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents) => tangents[0];
        internal override KernelKind Lower(IReadOnlyList<Shape> inputs, IReadOnlyList<DType> dtypes, Shape shape, DType dtype) => new ReferenceOnlyKind("new");
    }
}
