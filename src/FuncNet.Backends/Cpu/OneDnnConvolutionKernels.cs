using FuncNet.Backends.Cpu.OneDnn;
using FuncNet.Lowering;

namespace FuncNet.Backends.Cpu;

/// <summary>
/// Routes the backend-neutral convolution and pooling kinds to oneDNN's primitives (Float32): the translation
/// of FuncNet's geometries into oneDNN's. Returns null for a pass oneDNN has no primitive for (max pooling's
/// forward derivative, <see cref="PoolingPass.MaxSelect"/>) or when oneDNN is not installed, and the backend
/// then uses its managed kernel.
/// </summary>
internal static class OneDnnConvolutionKernels
{
    /// <summary>The oneDNN kernel for <paramref name="kind"/>, or null.</summary>
    public static IKernel? TryCreate(KernelKind kind) => kind switch
    {
        ConvolutionKind c => c.Pass switch
        {
            ConvolutionPass.Forward => OneDnnKernels.Conv2DForward(Geometry(c)),
            ConvolutionPass.InputGradient => OneDnnKernels.Conv2DBackwardData(Geometry(c)),
            _ => OneDnnKernels.Conv2DBackwardWeights(Geometry(c)),
        },
        PoolingKind { Pass: PoolingPass.MaxForward } p => OneDnnKernels.Pool2DForward(Geometry(p, OneDnnPoolingKind.Max)),
        PoolingKind { Pass: PoolingPass.MaxGradient } p => OneDnnKernels.Pool2DBackward(Geometry(p, OneDnnPoolingKind.Max)),
        PoolingKind { Pass: PoolingPass.AverageForward } p => OneDnnKernels.Pool2DForward(Geometry(p, OneDnnPoolingKind.AverageExcludingPadding)),
        PoolingKind { Pass: PoolingPass.AverageGradient } p => OneDnnKernels.Pool2DBackward(Geometry(p, OneDnnPoolingKind.AverageExcludingPadding)),
        _ => null,
    };

    private static OneDnnConvolutionGeometry Geometry(ConvolutionKind c)
    {
        var g = c.Geometry;
        return new(c.Image[0], c.Image[1], c.Image[2], c.Image[3], c.Filter[0], c.Filter[2], c.Filter[3],
            g.StrideH, g.StrideW, g.PadTop, g.PadBottom, g.PadLeft, g.PadRight, g.DilationH, g.DilationW, g.Groups);
    }

    private static OneDnnPoolingGeometry Geometry(PoolingKind p, OneDnnPoolingKind kind)
    {
        var g = p.Geometry;
        return new(p.Input[0], p.Input[1], p.Input[2], p.Input[3], g.KernelH, g.KernelW, g.StrideH, g.StrideW,
            g.PadTop, g.PadBottom, g.PadLeft, g.PadRight, kind);
    }
}
