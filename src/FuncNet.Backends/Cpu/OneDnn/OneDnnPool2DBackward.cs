namespace FuncNet.Backends.Cpu.OneDnn;

/// <summary>
/// The input gradient of 2-D max or average pooling through oneDNN, for one geometry. Max pooling routes each
/// output gradient to its window's maximum, which oneDNN records in a workspace during a training forward
/// pass: this kernel runs that pass on the input first (FuncNet's gradient op takes the input, not a
/// workspace), so its inputs as a plan kernel are (input, output gradient), as the max-pooling gradient op's.
/// Average pooling needs no input: its plan input is the output gradient alone, as the average-pooling
/// gradient op's, and its span input may be empty.
/// </summary>
internal sealed unsafe class OneDnnPool2DBackward : IKernel, IDisposable
{
    private readonly OneDnnPrimitive _forward;
    private readonly OneDnnPrimitive _primitive;
    private readonly int _forwardSource, _forwardDestination, _diffSource, _diffDestination;
    private readonly bool _needsForward;
    private readonly float[] _pooled;

    /// <summary>Creates the primitives; throws a <see cref="FuncNetException"/> if oneDNN rejects the geometry.</summary>
    public OneDnnPool2DBackward(OneDnnLibrary library, OneDnnPoolingGeometry geometry)
    {
        Geometry = geometry;
        _forward = geometry.CreateForward(library, training: true);
        _primitive = geometry.CreateBackward(library, _forward);
        _diffSource = _primitive.Bind(OneDnnConstants.DiffSource);
        _diffDestination = _primitive.Bind(OneDnnConstants.DiffDestination);
        _needsForward = _forward.Takes(OneDnnConstants.Workspace);
        if (_needsForward)
        {
            _forwardSource = _forward.Bind(OneDnnConstants.Source);
            _forwardDestination = _forward.Bind(OneDnnConstants.Destination);
            _primitive.BindShared(OneDnnConstants.Workspace, _forward.BindAllocated(OneDnnConstants.Workspace));
        }
        // The recomputed forward output is not wanted, only its workspace: a scratch array, allocated once.
        _pooled = _needsForward ? new float[geometry.OutputSize] : [];
        float[]? x = null, dy = null, dx = null;
        OneDnnThreadChoice.Apply(library, $"{nameof(OneDnnPool2DBackward)} {geometry}",
            () => Run(x ??= new float[_needsForward ? geometry.InputSize : 0], dy ??= new float[geometry.OutputSize], dx ??= new float[geometry.InputSize]),
            _primitive, _forward);
    }

    /// <summary>The geometry served.</summary>
    public OneDnnPoolingGeometry Geometry { get; }

    /// <summary>The implementation oneDNN chose for the backward pass.</summary>
    public string Implementation => _primitive.Implementation;

    /// <summary>Writes the input gradient (N·C·H·W) from the input (N·C·H·W; may be empty for average pooling) and the output gradient (N·C·OutH·OutW).</summary>
    public void Run(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient)
    {
        if (_needsForward || input.Length != 0)
        {
            OneDnnPrimitive.RequireLength(input.Length, Geometry.InputSize, "input", Geometry);
        }
        OneDnnPrimitive.RequireLength(outputGradient.Length, Geometry.OutputSize, "output gradient", Geometry);
        OneDnnPrimitive.RequireLength(inputGradient.Length, Geometry.InputSize, "input gradient", Geometry);
        fixed (float* x = input, y = _pooled, dy = outputGradient, dx = inputGradient)
        {
            if (_needsForward)
            {
                _forward.SetData(_forwardSource, x);
                _forward.SetData(_forwardDestination, y);
                _forward.Execute();
            }
            _primitive.SetData(_diffDestination, dy);
            _primitive.SetData(_diffSource, dx);
            _primitive.Execute();
        }
    }

    /// <inheritdoc />
    public void Run(DeviceTensor[] inputs, DeviceTensor output)
    {
        if (Geometry.Kind == OneDnnPoolingKind.Max)
        {
            Run(OneDnnPrimitive.Elements(inputs[0]), OneDnnPrimitive.Elements(inputs[1]), OneDnnPrimitive.Elements(output));
        }
        else
        {
            Run([], OneDnnPrimitive.Elements(inputs[0]), OneDnnPrimitive.Elements(output));
        }
    }

    /// <summary>Releases the native primitives (the backward one first: it uses the forward one's workspace).</summary>
    public void Dispose()
    {
        _primitive.Dispose();
        _forward.Dispose();
    }
}
