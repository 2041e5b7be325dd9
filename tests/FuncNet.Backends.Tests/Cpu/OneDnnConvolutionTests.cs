using FuncNet.Backends.Cpu.OneDnn;

namespace FuncNet.Backends.Tests.Cpu;

/// <summary>The oneDNN convolution and pooling kernels against the definitions (<see cref="ConvolutionLoops"/>).</summary>
public class OneDnnConvolutionTests
{
    /// <summary>Plain, strided, asymmetrically padded, dilated, grouped and depthwise convolutions.</summary>
    public static TheoryData<string> Convolutions => new(
        "plain", "stride 2 pad 1", "asymmetric pad", "dilation 2", "groups 2", "depthwise", "1x1 stride 3", "W6 first layer");

    private static OneDnnConvolutionGeometry Convolution(string name) => name switch
    {
        "plain" => new(N: 2, C: 3, H: 7, W: 6, K: 4, R: 3, S: 3),
        "stride 2 pad 1" => new(N: 2, C: 3, H: 9, W: 8, K: 5, R: 3, S: 3, StrideH: 2, StrideW: 2, PadTop: 1, PadBottom: 1, PadLeft: 1, PadRight: 1),
        "asymmetric pad" => new(N: 1, C: 2, H: 6, W: 7, K: 3, R: 2, S: 4, StrideH: 1, StrideW: 2, PadTop: 0, PadBottom: 1, PadLeft: 2, PadRight: 1),
        "dilation 2" => new(N: 2, C: 2, H: 9, W: 9, K: 3, R: 3, S: 2, PadTop: 2, PadBottom: 2, PadLeft: 1, PadRight: 1, DilationH: 2, DilationW: 3),
        "groups 2" => new(N: 2, C: 4, H: 6, W: 6, K: 6, R: 3, S: 3, PadTop: 1, PadBottom: 1, PadLeft: 1, PadRight: 1, Groups: 2),
        "depthwise" => new(N: 1, C: 3, H: 5, W: 8, K: 3, R: 3, S: 3, StrideH: 2, StrideW: 1, PadTop: 1, PadBottom: 0, PadLeft: 1, PadRight: 1, Groups: 3),
        "1x1 stride 3" => new(N: 3, C: 5, H: 7, W: 7, K: 2, R: 1, S: 1, StrideH: 3, StrideW: 3),
        _ => new(N: 2, C: 1, H: 28, W: 28, K: 8, R: 5, S: 5, PadTop: 2, PadBottom: 2, PadLeft: 2, PadRight: 2),
    };

    private static float[] Random(int size, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, size).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
    }

    private static void AssertClose(double[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4 * (1 + Math.Abs(expected[i])), $"{what}: element {i} is {actual[i]}, expected {expected[i]}");
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Convolutions))]
    public void ConvolutionForwardMatchesTheDefinition(string name)
    {
        var g = Convolution(name);
        using var kernel = new OneDnnConv2DForward(OneDnnEnvironment.Require(), g);
        var (x, w) = (Random(g.InputSize, 1), Random(g.FilterSize, 2));
        var y = new float[g.OutputSize];
        kernel.Run(x, w, y);
        AssertClose(ConvolutionLoops.Forward(g, x, w), y, $"{name} forward ({kernel.Implementation})");
        // Primitives are made once and run per step: a second run on other data must not see the first's.
        var x2 = Random(g.InputSize, 3);
        kernel.Run(x2, w, y);
        AssertClose(ConvolutionLoops.Forward(g, x2, w), y, $"{name} forward, second run");
    }

    [SkippableTheory]
    [MemberData(nameof(Convolutions))]
    public void ConvolutionInputGradientMatchesTheDefinition(string name)
    {
        var g = Convolution(name);
        using var kernel = new OneDnnConv2DBackwardData(OneDnnEnvironment.Require(), g);
        var (w, dy) = (Random(g.FilterSize, 4), Random(g.OutputSize, 5));
        var dx = Enumerable.Repeat(float.NaN, g.InputSize).ToArray(); // every element must be written, not accumulated
        kernel.Run(dy, w, dx);
        AssertClose(ConvolutionLoops.BackwardData(g, w, dy), dx, $"{name} input gradient ({kernel.Implementation})");
    }

    [SkippableTheory]
    [MemberData(nameof(Convolutions))]
    public void ConvolutionFilterGradientMatchesTheDefinition(string name)
    {
        var g = Convolution(name);
        using var kernel = new OneDnnConv2DBackwardWeights(OneDnnEnvironment.Require(), g);
        var (x, dy) = (Random(g.InputSize, 6), Random(g.OutputSize, 7));
        var dw = Enumerable.Repeat(float.NaN, g.FilterSize).ToArray();
        kernel.Run(x, dy, dw);
        AssertClose(ConvolutionLoops.BackwardWeights(g, x, dy), dw, $"{name} filter gradient ({kernel.Implementation})");
    }

    /// <summary>Each pooling kind with overlapping, strided, padded (symmetric and not) windows.</summary>
    public static TheoryData<string, string> Poolings
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var kind in Enum.GetNames<OneDnnPoolingKind>())
            {
                foreach (var name in new[] { "2x2 stride 2", "3x3 stride 2 pad 1", "asymmetric", "overlapping stride 1" })
                {
                    data.Add(kind, name);
                }
            }
            return data;
        }
    }

    private static OneDnnPoolingGeometry Pooling(OneDnnPoolingKind kind, string name) => name switch
    {
        "2x2 stride 2" => new(2, 3, 8, 6, 2, 2, 2, 2, 0, 0, 0, 0, kind),
        "3x3 stride 2 pad 1" => new(2, 2, 7, 9, 3, 3, 2, 2, 1, 1, 1, 1, kind),
        "asymmetric" => new(1, 2, 6, 7, 3, 2, 2, 1, 1, 0, 0, 1, kind),
        _ => new(1, 3, 5, 5, 2, 3, 1, 1, 0, 1, 1, 1, kind),
    };

    [SkippableTheory]
    [MemberData(nameof(Poolings))]
    public void PoolingForwardAndGradientMatchTheDefinition(string kindName, string name)
    {
        var kind = Enum.Parse<OneDnnPoolingKind>(kindName);
        var g = Pooling(kind, name);
        var library = OneDnnEnvironment.Require();
        using var forward = new OneDnnPool2DForward(library, g);
        using var backward = new OneDnnPool2DBackward(library, g);
        var (x, dy) = (Random(g.InputSize, 8), Random(g.OutputSize, 9));
        var (expectedY, expectedDx) = ConvolutionLoops.Pool(g, x, dy);
        var y = new float[g.OutputSize];
        forward.Run(x, y);
        AssertClose(expectedY, y, $"{kind} {name} forward ({forward.Implementation})");
        var dx = Enumerable.Repeat(float.NaN, g.InputSize).ToArray();
        backward.Run(x, dy, dx);
        AssertClose(expectedDx, dx, $"{kind} {name} input gradient ({backward.Implementation})");
        // Max pooling's routing comes from the input of this run, not of the first one.
        var x2 = Random(g.InputSize, 10);
        backward.Run(x2, dy, dx);
        AssertClose(ConvolutionLoops.Pool(g, x2, dy).Dx, dx, $"{kind} {name} input gradient, second run");
    }

    [SkippableFact]
    public void MaxPoolingSendsATiesGradientToTheWindowsFirstMaximum()
    {
        // Few distinct values: most windows hold ties. The ops' convention (docs/conventions.md) is PyTorch's:
        // the first maximum in row-major window order takes all of the gradient.
        var g = new OneDnnPoolingGeometry(2, 2, 6, 6, 3, 3, 1, 1, 1, 1, 1, 1, OneDnnPoolingKind.Max);
        using var backward = new OneDnnPool2DBackward(OneDnnEnvironment.Require(), g);
        var rng = new Random(11);
        var x = Enumerable.Range(0, g.InputSize).Select(_ => (float)rng.Next(3)).ToArray();
        var dy = Random(g.OutputSize, 12);
        var dx = new float[g.InputSize];
        backward.Run(x, dy, dx);
        AssertClose(ConvolutionLoops.Pool(g, x, dy).Dx, dx, "max pooling with ties");
    }

    /// <summary>A plan hands kernels its tensors in the gradient ops' input order; this runs them that way.</summary>
    [SkippableFact]
    public void AsPlanKernelsTheyTakeTheirInputsInTheOpsOrder()
    {
        var library = OneDnnEnvironment.Require();
        using var backend = FuncNet.Backends.Cpu.CpuBackend.CreateManaged();
        DeviceTensor Tensor(float[] values, params int[] dims)
        {
            var t = backend.Allocate(Shape.Of(dims), DType.Float32);
            backend.CopyIn(FuncNet.Tensor.FromSpan(Shape.Of(dims), values.Select(v => (double)v).ToArray(), DType.Float32), t);
            return t;
        }
        float[] Values(DeviceTensor t) => backend.Download(t).ToArray<float>();

        var c = Convolution("groups 2");
        var (w, dy) = (Random(c.FilterSize, 13), Random(c.OutputSize, 14));
        using (var kernel = new OneDnnConv2DBackwardData(library, c))
        {
            var dx = backend.Allocate(Shape.Of(c.N, c.C, c.H, c.W), DType.Float32);
            ((IKernel)kernel).Run([Tensor(dy, c.N, c.K, c.OutH, c.OutW), Tensor(w, c.K, c.C / c.Groups, c.R, c.S)], dx);
            AssertClose(ConvolutionLoops.BackwardData(c, w, dy), Values(dx), "input gradient from (output gradient, filter)");
        }
        foreach (var kind in new[] { OneDnnPoolingKind.Max, OneDnnPoolingKind.AverageExcludingPadding })
        {
            var p = Pooling(kind, "3x3 stride 2 pad 1");
            var (x, g) = (Random(p.InputSize, 15), Random(p.OutputSize, 16));
            using var kernel = new OneDnnPool2DBackward(library, p);
            var dx = backend.Allocate(Shape.Of(p.N, p.C, p.H, p.W), DType.Float32);
            var gradient = Tensor(g, p.N, p.C, p.OutH, p.OutW);
            DeviceTensor[] inputs = kind == OneDnnPoolingKind.Max ? [Tensor(x, p.N, p.C, p.H, p.W), gradient] : [gradient];
            ((IKernel)kernel).Run(inputs, dx);
            AssertClose(ConvolutionLoops.Pool(p, x, g).Dx, Values(dx), $"{kind} gradient from the op's inputs");
        }
    }

    [Fact]
    public void AConvolutionGeometryWithoutAnOutputIsRejectedBeforeAnyNativeCall()
    {
        var g = new OneDnnConvolutionGeometry(N: 1, C: 2, H: 3, W: 3, K: 2, R: 5, S: 5);
        var e = Assert.ThrowsAny<FuncNetException>(g.Validate);
        Assert.Contains("R = 5", e.Message);
        Assert.Contains("oneDNN convolution", e.Message);
        var grouped = new OneDnnConvolutionGeometry(N: 1, C: 3, H: 5, W: 5, K: 4, R: 3, S: 3, Groups: 2);
        Assert.ThrowsAny<FuncNetException>(grouped.Validate);
    }

    [Fact]
    public void APoolingWindowLyingInThePaddingIsRejectedBeforeAnyNativeCall()
    {
        var g = new OneDnnPoolingGeometry(1, 1, 4, 4, 2, 2, 2, 2, 2, 0, 0, 0, OneDnnPoolingKind.Max);
        var e = Assert.ThrowsAny<FuncNetException>(g.Validate);
        Assert.Contains("PadTop = 2", e.Message);
    }

    [SkippableFact]
    public void AKernelRefusesSpansOfTheWrongLength()
    {
        var g = Convolution("plain");
        using var kernel = new OneDnnConv2DForward(OneDnnEnvironment.Require(), g);
        var e = Assert.ThrowsAny<FuncNetException>(() => kernel.Run(new float[g.InputSize - 1], new float[g.FilterSize], new float[g.OutputSize]));
        Assert.Contains($"input has {g.InputSize - 1} elements, expected {g.InputSize}", e.Message);
    }
}
