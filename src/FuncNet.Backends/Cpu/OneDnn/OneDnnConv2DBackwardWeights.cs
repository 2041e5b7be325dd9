namespace FuncNet.Backends.Cpu.OneDnn;

/// <summary>
/// The filter gradient of a 2-D convolution through oneDNN, for one geometry (the forward convolution's).
/// As a plan kernel its inputs are (input, output gradient).
/// </summary>
internal sealed unsafe class OneDnnConv2DBackwardWeights : IKernel, IDisposable
{
    private readonly OneDnnPrimitive _forward;
    private readonly OneDnnPrimitive _primitive;
    private readonly int _source, _diffWeights, _diffDestination;

    /// <summary>Creates the primitive (and the forward one oneDNN takes as its hint); throws a <see cref="FuncNetException"/> if oneDNN rejects the geometry.</summary>
    public OneDnnConv2DBackwardWeights(OneDnnLibrary library, OneDnnConvolutionGeometry geometry)
    {
        Geometry = geometry;
        _forward = geometry.CreateForward(library);
        _primitive = geometry.CreateBackwardWeights(library, _forward);
        _source = _primitive.Bind(OneDnnConstants.Source);
        _diffWeights = _primitive.Bind(OneDnnConstants.DiffWeights);
        _diffDestination = _primitive.Bind(OneDnnConstants.DiffDestination);
    }

    /// <summary>The forward convolution's geometry.</summary>
    public OneDnnConvolutionGeometry Geometry { get; }

    /// <summary>The implementation oneDNN chose.</summary>
    public string Implementation => _primitive.Implementation;

    /// <summary>Writes the filter gradient (K·C/groups·R·S) from the input (N·C·H·W) and the output gradient (N·K·OutH·OutW).</summary>
    public void Run(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> filterGradient)
    {
        OneDnnPrimitive.RequireLength(input.Length, Geometry.InputSize, "input", Geometry);
        OneDnnPrimitive.RequireLength(outputGradient.Length, Geometry.OutputSize, "output gradient", Geometry);
        OneDnnPrimitive.RequireLength(filterGradient.Length, Geometry.FilterSize, "filter gradient", Geometry);
        fixed (float* x = input, dy = outputGradient, dw = filterGradient)
        {
            _primitive.SetData(_source, x);
            _primitive.SetData(_diffDestination, dy);
            _primitive.SetData(_diffWeights, dw);
            _primitive.Execute();
        }
    }

    /// <inheritdoc />
    public void Run(DeviceTensor[] inputs, DeviceTensor output) =>
        Run(OneDnnPrimitive.Elements(inputs[0]), OneDnnPrimitive.Elements(inputs[1]), OneDnnPrimitive.Elements(output));

    /// <summary>Releases the native primitives.</summary>
    public void Dispose()
    {
        _primitive.Dispose();
        _forward.Dispose();
    }
}
