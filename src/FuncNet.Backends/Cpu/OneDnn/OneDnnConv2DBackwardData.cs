namespace FuncNet.Backends.Cpu.OneDnn;

/// <summary>
/// The input gradient of a 2-D convolution through oneDNN (a transposed convolution of the output gradient
/// with the filter), for one geometry: the geometry is the forward convolution's. As a plan kernel its inputs
/// are (output gradient, filter), the order of the Conv2D input-gradient op.
/// </summary>
internal sealed unsafe class OneDnnConv2DBackwardData : IKernel, IDisposable
{
    private readonly OneDnnPrimitive _forward;
    private readonly OneDnnPrimitive _primitive;
    private readonly int _diffSource, _weights, _diffDestination;

    /// <summary>Creates the primitive (and the forward one oneDNN takes as its hint); throws a <see cref="FuncNetException"/> if oneDNN rejects the geometry.</summary>
    public OneDnnConv2DBackwardData(OneDnnLibrary library, OneDnnConvolutionGeometry geometry)
    {
        Geometry = geometry;
        _forward = geometry.CreateForward(library);
        _primitive = geometry.CreateBackwardData(library, _forward);
        _diffSource = _primitive.Bind(OneDnnConstants.DiffSource);
        _weights = _primitive.Bind(OneDnnConstants.Weights);
        _diffDestination = _primitive.Bind(OneDnnConstants.DiffDestination);
    }

    /// <summary>The forward convolution's geometry.</summary>
    public OneDnnConvolutionGeometry Geometry { get; }

    /// <summary>The implementation oneDNN chose.</summary>
    public string Implementation => _primitive.Implementation;

    /// <summary>Writes the input gradient (N·C·H·W) from the output gradient (N·K·OutH·OutW) and the filter (K·C/groups·R·S).</summary>
    public void Run(ReadOnlySpan<float> outputGradient, ReadOnlySpan<float> filter, Span<float> inputGradient)
    {
        OneDnnPrimitive.RequireLength(filter.Length, Geometry.FilterSize, "filter", Geometry);
        OneDnnPrimitive.RequireLength(outputGradient.Length, Geometry.OutputSize, "output gradient", Geometry);
        OneDnnPrimitive.RequireLength(inputGradient.Length, Geometry.InputSize, "input gradient", Geometry);
        fixed (float* w = filter, dy = outputGradient, dx = inputGradient)
        {
            _primitive.SetData(_weights, w);
            _primitive.SetData(_diffDestination, dy);
            _primitive.SetData(_diffSource, dx);
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
