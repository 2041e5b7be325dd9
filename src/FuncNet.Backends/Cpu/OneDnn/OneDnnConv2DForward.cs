namespace FuncNet.Backends.Cpu.OneDnn;

/// <summary>
/// 2-D convolution forward through oneDNN: output = input ⋆ filter, for one geometry, its primitive created
/// once (at Prepare) and run per step on the backend's arrays. As a plan kernel its inputs are (input, filter).
/// </summary>
internal sealed class OneDnnConv2DForward : OneDnnConvolutionKernel
{
    /// <summary>Creates the primitive; throws a <see cref="FuncNetException"/> if oneDNN rejects the geometry.</summary>
    public OneDnnConv2DForward(OneDnnLibrary library, OneDnnConvolutionGeometry geometry)
        : base(library, geometry, null, geometry.CreateForward(library),
            new(OneDnnConstants.Source, "input", geometry.InputSize),
            new(OneDnnConstants.Weights, "filter", geometry.FilterSize),
            new(OneDnnConstants.Destination, "output", geometry.OutputSize))
    {
    }

    /// <summary>Writes the convolution of input (N·C·H·W) with filter (K·C/groups·R·S) into output (N·K·OutH·OutW).</summary>
    public void Run(ReadOnlySpan<float> input, ReadOnlySpan<float> filter, Span<float> output) => Execute(input, filter, output);
}
