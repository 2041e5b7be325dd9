namespace FuncNet.Backends.Cpu.OneDnn;

/// <summary>
/// The filter gradient of a 2-D convolution through oneDNN, for one geometry (the forward convolution's).
/// As a plan kernel its inputs are (input, output gradient).
/// </summary>
internal sealed class OneDnnConv2DBackwardWeights : OneDnnConvolutionKernel
{
    /// <summary>Creates the primitive (and the forward one oneDNN takes as its hint); throws a <see cref="FuncNetException"/> if oneDNN rejects the geometry.</summary>
    public OneDnnConv2DBackwardWeights(OneDnnLibrary library, OneDnnConvolutionGeometry geometry)
        : this(library, geometry, geometry.CreateForward(library))
    {
    }

    private OneDnnConv2DBackwardWeights(OneDnnLibrary library, OneDnnConvolutionGeometry geometry, OneDnnPrimitive forward)
        : base(library, geometry, forward, geometry.CreateBackwardWeights(library, forward),
            new(OneDnnConstants.Source, "input", geometry.InputSize),
            new(OneDnnConstants.DiffDestination, "output gradient", geometry.OutputSize),
            new(OneDnnConstants.DiffWeights, "filter gradient", geometry.FilterSize))
    {
    }

    /// <summary>Writes the filter gradient (K·C/groups·R·S) from the input (N·C·H·W) and the output gradient (N·K·OutH·OutW).</summary>
    public void Run(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> filterGradient) =>
        Execute(input, outputGradient, filterGradient);
}
