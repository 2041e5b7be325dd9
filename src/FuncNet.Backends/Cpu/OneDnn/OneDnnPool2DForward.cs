namespace FuncNet.Backends.Cpu.OneDnn;

/// <summary>
/// 2-D max or average pooling forward through oneDNN, for one geometry, its primitive created once and run
/// per step. As a plan kernel its input is (input).
/// </summary>
internal sealed unsafe class OneDnnPool2DForward : IKernel, IDisposable
{
    private readonly OneDnnPrimitive _primitive;
    private readonly int _source, _destination;

    /// <summary>Creates the primitive; throws a <see cref="FuncNetException"/> if oneDNN rejects the geometry.</summary>
    public OneDnnPool2DForward(OneDnnLibrary library, OneDnnPoolingGeometry geometry)
    {
        Geometry = geometry;
        // Inference kind: no workspace to write; the backward kernel recomputes the argmax it needs.
        _primitive = geometry.CreateForward(library, training: false);
        _source = _primitive.Bind(OneDnnConstants.Source);
        _destination = _primitive.Bind(OneDnnConstants.Destination);
        float[]? x = null, y = null;
        OneDnnThreadChoice.Apply(library, $"{nameof(OneDnnPool2DForward)} {geometry}",
            () => Run(x ??= new float[geometry.InputSize], y ??= new float[geometry.OutputSize]), _primitive);
    }

    /// <summary>The geometry served.</summary>
    public OneDnnPoolingGeometry Geometry { get; }

    /// <summary>The implementation oneDNN chose.</summary>
    public string Implementation => _primitive.Implementation;

    /// <summary>Writes the pooled input (N·C·H·W) into output (N·C·OutH·OutW).</summary>
    public void Run(ReadOnlySpan<float> input, Span<float> output)
    {
        OneDnnPrimitive.RequireLength(input.Length, Geometry.InputSize, "input", Geometry);
        OneDnnPrimitive.RequireLength(output.Length, Geometry.OutputSize, "output", Geometry);
        fixed (float* x = input, y = output)
        {
            _primitive.SetData(_source, x);
            _primitive.SetData(_destination, y);
            _primitive.Execute();
        }
    }

    /// <inheritdoc />
    public void Run(DeviceTensor[] inputs, DeviceTensor output) =>
        Run(OneDnnPrimitive.Elements(inputs[0]), OneDnnPrimitive.Elements(output));

    /// <summary>Releases the native primitive.</summary>
    public void Dispose() => _primitive.Dispose();
}
