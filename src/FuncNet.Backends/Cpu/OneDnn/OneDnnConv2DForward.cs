namespace FuncNet.Backends.Cpu.OneDnn;

/// <summary>
/// 2-D convolution forward through oneDNN: output = input ⋆ filter, for one geometry, its primitive created
/// once (at Prepare) and run per step on the backend's arrays. As a plan kernel its inputs are (input, filter).
/// </summary>
internal sealed unsafe class OneDnnConv2DForward : IKernel, IDisposable
{
    private readonly OneDnnPrimitive _primitive;
    private readonly int _source, _weights, _destination;

    /// <summary>Creates the primitive; throws a <see cref="FuncNetException"/> if oneDNN rejects the geometry.</summary>
    public OneDnnConv2DForward(OneDnnLibrary library, OneDnnConvolutionGeometry geometry)
    {
        Geometry = geometry;
        _primitive = geometry.CreateForward(library);
        _source = _primitive.Bind(OneDnnConstants.Source);
        _weights = _primitive.Bind(OneDnnConstants.Weights);
        _destination = _primitive.Bind(OneDnnConstants.Destination);
    }

    /// <summary>The geometry served.</summary>
    public OneDnnConvolutionGeometry Geometry { get; }

    /// <summary>The implementation oneDNN chose.</summary>
    public string Implementation => _primitive.Implementation;

    /// <summary>Writes the convolution of input (N·C·H·W) with filter (K·C/groups·R·S) into output (N·K·OutH·OutW).</summary>
    public void Run(ReadOnlySpan<float> input, ReadOnlySpan<float> filter, Span<float> output)
    {
        OneDnnPrimitive.RequireLength(input.Length, Geometry.InputSize, "input", Geometry);
        OneDnnPrimitive.RequireLength(filter.Length, Geometry.FilterSize, "filter", Geometry);
        OneDnnPrimitive.RequireLength(output.Length, Geometry.OutputSize, "output", Geometry);
        fixed (float* x = input, w = filter, y = output)
        {
            _primitive.SetData(_source, x);
            _primitive.SetData(_weights, w);
            _primitive.SetData(_destination, y);
            _primitive.Execute();
        }
    }

    /// <inheritdoc />
    public void Run(DeviceTensor[] inputs, DeviceTensor output) =>
        Run(OneDnnPrimitive.Elements(inputs[0]), OneDnnPrimitive.Elements(inputs[1]), OneDnnPrimitive.Elements(output));

    /// <summary>Releases the native primitive.</summary>
    public void Dispose() => _primitive.Dispose();
}
