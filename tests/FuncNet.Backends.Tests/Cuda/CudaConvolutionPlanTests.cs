using FuncNet.Backends.Cuda;
using FuncNet.Expressions;
using FuncNet.Layers;
using FuncNet.Lowering;
using FuncNet.Rewriting;
using static FuncNet.Ops;

namespace FuncNet.Backends.Tests.Cuda;

/// <summary>
/// Without a GPU: the CUDA planner runs every convolution and pooling node natively (im2col/col2im + cuBLAS, or a
/// generated pooling kernel), never through the host fallback, for the W6 CNN's training step and the conformance
/// graph. The kernels themselves compile in <see cref="CudaKernelCompilationTests"/>; their values are checked on a
/// device by the conformance suite on "cuda", which skips here.
/// </summary>
public class CudaConvolutionPlanTests
{
    /// <summary>The W6 network (as in the CLI's <c>--model cnn</c>) on a batch of 128, its loss and every parameter's gradient.</summary>
    private static Expr[] W6TrainingStep()
    {
        var x = Expr.Placeholder("images", Shape.Of(128, 1, 28, 28), DType.Float32);
        var y = Expr.Placeholder("labels", Shape.Of(128, 10), DType.Float32);
        var model = new Sequential(
            new Conv2D(32, 3, 3, Conv2DOptions.Default, Relu, 1, null), new MaxPool2D(2),
            new Conv2D(64, 3, 3, Conv2DOptions.Default, Relu, 2, null), new MaxPool2D(2),
            new Flatten(),
            new Dense(128, Relu, Initializers.HeUniform(3), Initializers.Zeros, "hidden"),
            new Dense(10, null, Initializers.GlorotUniform(4), Initializers.Zeros, "output"));
        var loss = Losses.CategoricalCrossEntropyFromLogits(y, model.Apply(x), Reduction.Mean);
        var variables = GraphWalk.Topological([loss]).Where(n => n.Op is VariableOp).ToArray();
        Assert.Equal(8, variables.Length);
        return [loss, .. Gradients(loss, variables)];
    }

    /// <summary>Each convolution or pooling node of the roots' raw, simplified and fused forms, with its kind and the step planned for it.</summary>
    private static List<(KernelKind Kind, CudaStep Step)> ConvolutionAndPoolingSteps(Expr[] raw)
    {
        var simplified = Simplifier.Simplify(raw);
        var result = new List<(KernelKind, CudaStep)>();
        foreach (var roots in new[] { raw, simplified, Fusion.Fuse(simplified) })
        {
            foreach (var node in GraphWalk.Topological(roots).Where(n => n.Inputs.Count > 0))
            {
                var shapes = node.Inputs.Select(i => i.Shape).ToArray();
                var dtypes = node.Inputs.Select(i => i.DType).ToArray();
                var kind = node.Op.Lower(shapes, dtypes, node.Shape, node.DType);
                if (kind is ConvolutionKind or PoolingKind)
                {
                    result.Add((kind, CudaKernelPlanner.Plan(kind, shapes, dtypes, node.Shape, node.DType)));
                }
            }
        }
        return result;
    }

    private static void AssertNative(List<(KernelKind Kind, CudaStep Step)> steps)
    {
        foreach (var (kind, step) in steps)
        {
            switch (kind)
            {
                case ConvolutionKind c:
                    var conv = Assert.IsType<ConvolutionStep>(step);
                    Assert.Equal(c, conv.Convolution);
                    // The input gradient folds columns back into images; the other passes unfold images into columns.
                    Assert.Equal(c.Pass == ConvolutionPass.InputGradient, conv.Source.Contains("image[idx] = sum", StringComparison.Ordinal));
                    // Only the filter gradient regroups the output gradients, for its one GEMM over images × positions.
                    Assert.Equal(c.Pass == ConvolutionPass.FilterGradient, conv.ChannelMajor is not null);
                    break;
                case PoolingKind p:
                    Assert.Equal($"pooling {p.Pass}", Assert.IsType<GeneratedStep>(step).Kind);
                    break;
            }
        }
    }

    [Fact]
    public void EveryConvolutionAndPoolingNodeOfTheW6TrainingStepRunsNatively()
    {
        var steps = ConvolutionAndPoolingSteps(W6TrainingStep());
        AssertNative(steps);
        var kinds = steps.Select(s => s.Kind).ToArray();
        // Forward convolutions, the second's input gradient and both filter gradients; max pooling and its gradient.
        Assert.Contains(kinds, k => k is ConvolutionKind { Pass: ConvolutionPass.Forward });
        Assert.Contains(kinds, k => k is ConvolutionKind { Pass: ConvolutionPass.InputGradient });
        Assert.Contains(kinds, k => k is ConvolutionKind { Pass: ConvolutionPass.FilterGradient });
        Assert.Contains(kinds, k => k is PoolingKind { Pass: PoolingPass.MaxForward });
        Assert.Contains(kinds, k => k is PoolingKind { Pass: PoolingPass.MaxGradient });
    }

    [Fact]
    public void EveryNodeOfTheW6TrainingStepRunsOnTheDeviceSoItsGraphCanBeCaptured()
    {
        // Every step but a FallbackStep prepares a kernel that only enqueues device work (CudaKernels.CanCapture), so
        // a plan of these nodes is recorded into a CUDA graph; a bias gradient used to be a host fallback.
        var raw = W6TrainingStep();
        var simplified = Simplifier.Simplify(raw);
        var kinds = new List<KernelKind>();
        foreach (var roots in new[] { raw, simplified, Fusion.Fuse(simplified) })
        {
            foreach (var node in GraphWalk.Topological(roots).Where(n => n.Inputs.Count > 0))
            {
                var shapes = node.Inputs.Select(i => i.Shape).ToArray();
                var dtypes = node.Inputs.Select(i => i.DType).ToArray();
                var kind = node.Op.Lower(shapes, dtypes, node.Shape, node.DType);
                var step = CudaKernelPlanner.Plan(kind, shapes, dtypes, node.Shape, node.DType);
                Assert.False(step is FallbackStep, $"{node.Op.Name} ({kind.Describe()}) runs on the host: {step}");
                kinds.Add(kind);
            }
        }
        // The convolutions' bias gradients, (128, C, H, W) summed per channel.
        Assert.Contains(kinds, k => k is SplitReductionKind { Outer: 128, Kept: 32, Max: false });
        Assert.Contains(kinds, k => k is SplitReductionKind { Outer: 128, Kept: 64, Max: false });
    }

    [Fact]
    public void TheW6ConvolutionsRunTheirWholeBatchInOneChunk()
    {
        foreach (var (kind, step) in ConvolutionAndPoolingSteps(W6TrainingStep()))
        {
            if (kind is ConvolutionKind) { Assert.Equal(128, Assert.IsType<ConvolutionStep>(step).Chunk); }
        }
    }

    /// <summary>The bytes of one image's scratch: its columns, and for the filter gradient its regrouped output gradients.</summary>
    private static long ScratchPerImage(ConvolutionKind c, DType dtype)
    {
        var output = c.Geometry.Check(c.Describe(), c.Image, c.Filter);
        long positions = (long)output[2] * output[3];
        var columns = (long)c.Image[1] * c.Filter[2] * c.Filter[3] * positions;
        return (columns + (c.Pass == ConvolutionPass.FilterGradient ? c.Filter[0] * positions : 0)) * dtype.SizeInBytes();
    }

    // The pass by name: ConvolutionPass is internal, and a public theory's parameters must be public.
    public static TheoryData<string, DType> PassesAndTypes => new()
    {
        { nameof(ConvolutionPass.Forward), DType.Float32 }, { nameof(ConvolutionPass.InputGradient), DType.Float32 },
        { nameof(ConvolutionPass.FilterGradient), DType.Float32 }, { nameof(ConvolutionPass.FilterGradient), DType.Float64 },
    };

    [Theory, MemberData(nameof(PassesAndTypes))]
    public void ALargeBatchRunsInTheLargestChunksThatKeepTheScratchBounded(string passName, DType dtype)
    {
        var pass = Enum.Parse<ConvolutionPass>(passName);
        // 512 images of 64 channels at 64 × 64, 3 × 3 "same": 9 MiB of Float32 columns per image, 2.4 GiB for the batch.
        var kind = new ConvolutionKind(new Conv2DGeometry(1, 1, 1, 1, 1, 1, 1, 1, 1), Shape.Of(512, 64, 64, 64), Shape.Of(128, 64, 3, 3), pass);
        var step = Assert.IsType<ConvolutionStep>(Plan(kind, dtype));
        var perImage = ScratchPerImage(kind, dtype);
        Assert.InRange(step.Chunk, 2, 511);
        Assert.True(step.Chunk * perImage <= CudaKernelPlanner.DefaultConvolutionScratchBytes, $"{step.Chunk} images take {step.Chunk * perImage:N0} bytes");
        Assert.True((step.Chunk + 1) * perImage > CudaKernelPlanner.DefaultConvolutionScratchBytes, $"{step.Chunk + 1} images would fit too");
    }

    [Fact]
    public void AnImageWhoseColumnsAloneExceedTheBudgetRunsAlone()
    {
        // 64 channels at 256 × 256, 5 × 5: 400 MiB of Float32 columns for one image.
        var kind = new ConvolutionKind(new Conv2DGeometry(1, 1, 2, 2, 2, 2, 1, 1, 1), Shape.Of(3, 64, 256, 256), Shape.Of(8, 64, 5, 5), ConvolutionPass.Forward);
        Assert.True(ScratchPerImage(kind, DType.Float32) > CudaKernelPlanner.DefaultConvolutionScratchBytes);
        Assert.Equal(1, Assert.IsType<ConvolutionStep>(Plan(kind, DType.Float32)).Chunk);
    }

    [Fact]
    public void TheBackendsBudgetSetsTheChunk()
    {
        // As CudaCapturedKernelTests runs on a device: room for two images of every pass, so 5 images run as 2 + 2 + 1.
        foreach (var pass in new[] { ConvolutionPass.Forward, ConvolutionPass.InputGradient, ConvolutionPass.FilterGradient })
        {
            var kind = new ConvolutionKind(new Conv2DGeometry(2, 1, 1, 1, 1, 1, 1, 1, 4), Shape.Of(5, 8, 9, 9), Shape.Of(8, 2, 3, 3), pass);
            var budget = 2 * ScratchPerImage(kind with { Pass = ConvolutionPass.FilterGradient }, DType.Float32);
            Assert.Equal(2, Assert.IsType<ConvolutionStep>(Plan(kind, DType.Float32, budget)).Chunk);
        }
    }

    [Fact]
    public void AHugeBudgetStillKeepsAChunkWithinOneScratchTensor()
    {
        // 2.9 M scratch elements per image: 2048 images would need 5.9 G.
        var kind = new ConvolutionKind(new Conv2DGeometry(1, 1, 1, 1, 1, 1, 1, 1, 1), Shape.Of(2048, 64, 64, 64), Shape.Of(128, 64, 3, 3), ConvolutionPass.FilterGradient);
        var step = Assert.IsType<ConvolutionStep>(Plan(kind, DType.Float32, long.MaxValue));
        var elements = ScratchPerImage(kind, DType.Float32) / DType.Float32.SizeInBytes();
        Assert.InRange(step.Chunk, 2, 2047);
        Assert.True(step.Chunk * elements <= int.MaxValue && (step.Chunk + 1) * elements > int.MaxValue, $"chunk {step.Chunk} of {elements} elements per image");
    }

    [Fact]
    public void AnEmptyBatchPlansOneImageChunks()
    {
        var kind = new ConvolutionKind(new Conv2DGeometry(1, 1, 0, 0, 0, 0, 1, 1, 1), Shape.Of(0, 2, 4, 4), Shape.Of(3, 2, 3, 3), ConvolutionPass.FilterGradient);
        Assert.Equal(1, Assert.IsType<ConvolutionStep>(Plan(kind, DType.Float64)).Chunk);
    }

    /// <summary>The step for <paramref name="kind"/> with both inputs and the output in <paramref name="dtype"/>.</summary>
    private static CudaStep Plan(ConvolutionKind kind, DType dtype, long budget = CudaKernelPlanner.DefaultConvolutionScratchBytes)
    {
        var output = kind.Geometry.Check(kind.Describe(), kind.Image, kind.Filter);
        var (inputs, shape) = kind.Pass switch
        {
            ConvolutionPass.Forward => (new[] { kind.Image, kind.Filter }, output),
            ConvolutionPass.InputGradient => ([output, kind.Filter], kind.Image),
            _ => ([kind.Image, output], kind.Filter),
        };
        return CudaKernelPlanner.Plan(kind, inputs, [dtype, dtype], shape, dtype, budget);
    }

    [Fact]
    public void EveryConvolutionAndPoolingNodeOfTheConformanceGraphRunsNatively()
    {
        var graph = FuncNet.Backends.Conformance.ConformanceGraphs.All.Single(g => g.Name == "ConvolutionAndPooling");
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            var steps = ConvolutionAndPoolingSteps(CudaKernelCatalogue.Roots(graph.Build, graph.Shapes.ToArray(), dtype));
            AssertNative(steps);
            // Grouped convolutions (groups 2) and every pooling pass the graph's gradients need.
            Assert.Contains(steps, s => s.Kind is ConvolutionKind { Geometry.Groups: 2, Pass: ConvolutionPass.FilterGradient });
            foreach (var pass in new[] { PoolingPass.MaxForward, PoolingPass.MaxGradient, PoolingPass.AverageForward, PoolingPass.AverageGradient })
            {
                Assert.Contains(steps, s => s.Kind is PoolingKind p && p.Pass == pass);
            }
        }
    }

    [Fact]
    public void MaxPoolSelectReadsTheValuesAtEachWindowsWinner()
    {
        var kind = new PoolingKind(new Pool2DGeometry(3, 2, 2, 1, 1, 0, 0, 1), Shape.Of(2, 3, 7, 6), PoolingPass.MaxSelect);
        var step = Assert.IsType<GeneratedStep>(CudaKernelPlanner.Plan(kind, [Shape.Of(2, 3, 7, 6), Shape.Of(2, 3, 7, 6)],
                                                                        [DType.Float64, DType.Float64], Shape.Of(2, 3, 3, 6), DType.Float64));
        Assert.Equal([0, 1], step.Inputs);
        // planes, h, w, oh, ow, window, stride, top and left padding: the arguments CudaPoolingCode's kernels take.
        Assert.Equal([6L, 7, 6, 3, 6, 3, 2, 2, 1, 1, 0], step.Scalars);
        Assert.Contains("values[base + winner(", step.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void ConvolutionsOfAMixedDTypeFallBackToTheHost()
    {
        var kind = new ConvolutionKind(new Conv2DGeometry(1, 1, 0, 0, 0, 0, 1, 1, 1), Shape.Of(1, 2, 4, 4), Shape.Of(3, 2, 3, 3), ConvolutionPass.Forward);
        Assert.IsType<FallbackStep>(CudaKernelPlanner.Plan(kind, [Shape.Of(1, 2, 4, 4), Shape.Of(3, 2, 3, 3)], [DType.Float32, DType.Float64], Shape.Of(1, 3, 2, 2), DType.Float32));
    }
}
