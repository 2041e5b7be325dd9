namespace FuncNet.Backends.Cpu.OneDnn;

/// <summary>
/// What the three oneDNN convolution kernels (forward, input gradient, filter gradient) share: one primitive for
/// one geometry with two input arguments and one output argument, each length-checked and pointed at the
/// backend's arrays on every run; a backward primitive also keeps the forward one it was created with as hint
/// (oneDNN reads it at creation, and it is released with the kernel). A subclass names its operands and their
/// order as a plan kernel.
/// </summary>
internal abstract unsafe class OneDnnConvolutionKernel : IKernel, IDisposable
{
    private readonly OneDnnPrimitive? _hint;
    private readonly OneDnnPrimitive _primitive;
    private readonly Operand _first, _second, _result;

    /// <summary>One argument of the primitive: its oneDNN argument id, its name in errors, its element count.</summary>
    protected readonly record struct Operand(int Argument, string Name, int Size);

    /// <summary>Binds the arguments of a created primitive; <paramref name="hint"/> is the forward primitive a backward one was created with, or null.</summary>
    protected OneDnnConvolutionKernel(OneDnnLibrary library, OneDnnConvolutionGeometry geometry, OneDnnPrimitive? hint, OneDnnPrimitive primitive, Operand first, Operand second, Operand result)
    {
        Geometry = geometry;
        _hint = hint;
        _primitive = primitive;
        _first = first with { Argument = primitive.Bind(first.Argument) };
        _second = second with { Argument = primitive.Bind(second.Argument) };
        _result = result with { Argument = primitive.Bind(result.Argument) };
        float[]? a = null, b = null, c = null;
        OneDnnThreadChoice.Apply(library, $"{GetType().Name} {geometry}",
            () => Execute(a ??= new float[first.Size], b ??= new float[second.Size], c ??= new float[result.Size]), primitive);
    }

    /// <summary>The forward convolution's geometry.</summary>
    public OneDnnConvolutionGeometry Geometry { get; }

    /// <summary>The implementation oneDNN chose.</summary>
    public string Implementation => _primitive.Implementation;

    /// <summary>Checks the three spans against the geometry, then runs the primitive on them.</summary>
    protected void Execute(ReadOnlySpan<float> first, ReadOnlySpan<float> second, Span<float> result)
    {
        OneDnnPrimitive.RequireLength(first.Length, _first.Size, _first.Name, Geometry);
        OneDnnPrimitive.RequireLength(second.Length, _second.Size, _second.Name, Geometry);
        OneDnnPrimitive.RequireLength(result.Length, _result.Size, _result.Name, Geometry);
        fixed (float* a = first, b = second, c = result)
        {
            _primitive.SetData(_first.Argument, a);
            _primitive.SetData(_second.Argument, b);
            _primitive.SetData(_result.Argument, c);
            _primitive.Execute();
        }
    }

    /// <inheritdoc />
    public void Run(DeviceTensor[] inputs, DeviceTensor output) =>
        Execute(OneDnnPrimitive.Elements(inputs[0]), OneDnnPrimitive.Elements(inputs[1]), OneDnnPrimitive.Elements(output));

    /// <summary>Releases the native primitives (the hint last: the primitive was created from it).</summary>
    public void Dispose()
    {
        _primitive.Dispose();
        _hint?.Dispose();
    }
}
