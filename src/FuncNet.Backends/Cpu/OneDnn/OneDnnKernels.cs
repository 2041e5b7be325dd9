namespace FuncNet.Backends.Cpu.OneDnn;

/// <summary>
/// The CPU backend's entry to oneDNN's convolution and pooling kernels: each method takes the plain geometry
/// and returns the kernel for a Float32 node (its primitive created now, once per shape), or null when oneDNN
/// is not installed, so the caller falls back to the managed kernel in one expression:
/// <c>OneDnnKernels.Conv2DForward(geometry) ?? managedKernel</c>. Float64 has no oneDNN kernels.
/// The geometries use the ops' conventions (explicit padding pairs, dilation 1 = none, average pooling over
/// the window's real cells), e.g. for a convolution of image (N, C, H, W) and filter (K, C/groups, R, S):
/// <c>new OneDnnConvolutionGeometry(N, C, H, W, K, R, S, g.StrideH, g.StrideW, g.PadTop, g.PadBottom, g.PadLeft, g.PadRight, g.DilationH, g.DilationW, g.Groups)</c>.
/// </summary>
internal static class OneDnnKernels
{
    private static OneDnnLibrary? Library => OneDnnLibrary.Load().Library;

    /// <summary>Convolution forward; plan inputs (input, filter).</summary>
    public static IKernel? Conv2DForward(OneDnnConvolutionGeometry geometry) => Library is { } l ? new OneDnnConv2DForward(l, geometry) : null;

    /// <summary>Convolution input gradient; plan inputs (output gradient, filter).</summary>
    public static IKernel? Conv2DBackwardData(OneDnnConvolutionGeometry geometry) => Library is { } l ? new OneDnnConv2DBackwardData(l, geometry) : null;

    /// <summary>Convolution filter gradient; plan inputs (input, output gradient).</summary>
    public static IKernel? Conv2DBackwardWeights(OneDnnConvolutionGeometry geometry) => Library is { } l ? new OneDnnConv2DBackwardWeights(l, geometry) : null;

    /// <summary>Max or average pooling forward; plan input (input).</summary>
    public static IKernel? Pool2DForward(OneDnnPoolingGeometry geometry) => Library is { } l ? new OneDnnPool2DForward(l, geometry) : null;

    /// <summary>Max or average pooling input gradient; plan inputs (input, output gradient) for max, (output gradient) for average.</summary>
    public static IKernel? Pool2DBackward(OneDnnPoolingGeometry geometry) => Library is { } l ? new OneDnnPool2DBackward(l, geometry) : null;
}
