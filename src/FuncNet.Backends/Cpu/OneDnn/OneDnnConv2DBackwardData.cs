namespace FuncNet.Backends.Cpu.OneDnn;

/// <summary>
/// The input gradient of a 2-D convolution through oneDNN (a transposed convolution of the output gradient
/// with the filter), for one geometry: the geometry is the forward convolution's. As a plan kernel its inputs
/// are (output gradient, filter), the order of the Conv2D input-gradient op.
/// </summary>
internal sealed class OneDnnConv2DBackwardData : OneDnnConvolutionKernel
{
    /// <summary>Creates the primitive (and the forward one oneDNN takes as its hint); throws a <see cref="FuncNetException"/> if oneDNN rejects the geometry.</summary>
    public OneDnnConv2DBackwardData(OneDnnLibrary library, OneDnnConvolutionGeometry geometry)
        : this(library, geometry, geometry.CreateForward(library))
    {
    }

    private OneDnnConv2DBackwardData(OneDnnLibrary library, OneDnnConvolutionGeometry geometry, OneDnnPrimitive forward)
        : base(library, geometry, forward, geometry.CreateBackwardData(library, forward),
            new(OneDnnConstants.DiffDestination, "output gradient", geometry.OutputSize),
            new(OneDnnConstants.Weights, "filter", geometry.FilterSize),
            new(OneDnnConstants.DiffSource, "input gradient", geometry.InputSize))
    {
    }

    /// <summary>Writes the input gradient (N·C·H·W) from the output gradient (N·K·OutH·OutW) and the filter (K·C/groups·R·S).</summary>
    public void Run(ReadOnlySpan<float> outputGradient, ReadOnlySpan<float> filter, Span<float> inputGradient) =>
        Execute(outputGradient, filter, inputGradient);
}
