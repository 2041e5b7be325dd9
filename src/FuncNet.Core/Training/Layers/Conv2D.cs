namespace FuncNet.Layers;

/// <summary>
/// A 2-D convolution layer activation(conv(x, W) + b) over NCHW images, like PyTorch's <c>nn.Conv2d</c>: filters
/// W (filters, channels, kh, kw) He-uniform in ±√(6 / (channels·kh·kw)) and a bias b (filters) of zeros, created
/// on the first <see cref="Apply"/> when the input's channel count is known. Geometry (stride, padding,
/// dilation, groups) as in <see cref="Ops.Conv2D(Expr, Expr, Conv2DOptions)"/>.
/// </summary>
public sealed class Conv2D : ILayer, INamedLayer
{
    private readonly Func<Expr, Expr>? _activation;
    private readonly int _seed;
    private readonly bool _hasDefaultName;

    /// <summary>A valid, stride-1 convolution with <paramref name="filters"/> square kernels of <paramref name="kernel"/> pixels.</summary>
    public Conv2D(int filters, int kernel, Func<Expr, Expr>? activation) : this(filters, kernel, kernel, Conv2DOptions.Default, activation, 0, null) { }

    /// <summary>A layer with every part given; a null or empty <paramref name="name"/> means the default, made unique by <see cref="Sequential"/>.</summary>
    public Conv2D(int filters, int kernelHeight, int kernelWidth, Conv2DOptions options, Func<Expr, Expr>? activation, int seed, string? name)
    {
        if (filters <= 0 || kernelHeight <= 0 || kernelWidth <= 0)
        {
            throw new FuncNetException($"Conv2D: expected a positive number of filters and kernel size; given {filters} filters of {kernelHeight} × {kernelWidth}.");
        }
        (Filters, KernelHeight, KernelWidth) = (filters, kernelHeight, kernelWidth);
        Options = options ?? throw new ArgumentNullException(nameof(options));
        _activation = activation;
        _seed = seed;
        _hasDefaultName = string.IsNullOrEmpty(name);
        Name = _hasDefaultName ? DefaultName : name!;
    }

    /// <summary>The number of filters (output channels).</summary>
    public int Filters { get; }

    /// <summary>The kernel's height.</summary>
    public int KernelHeight { get; }

    /// <summary>The kernel's width.</summary>
    public int KernelWidth { get; }

    /// <summary>Stride, padding, dilation and groups.</summary>
    public Conv2DOptions Options { get; }

    /// <summary>The prefix of the variables' names.</summary>
    public string Name { get; private set; }

    /// <summary>The name of a layer built without one: <c>conv2d</c>.</summary>
    public string DefaultName => "conv2d";

    /// <summary>W, (filters, channels / groups, kh, kw); null before the first <see cref="Apply"/>.</summary>
    public Expr? Kernel { get; private set; }

    /// <summary>b, (filters); null before the first <see cref="Apply"/>.</summary>
    public Expr? Bias { get; private set; }

    /// <inheritdoc />
    public IReadOnlyList<Expr> Variables => Kernel is null || Bias is null ? [] : [Kernel, Bias];

    bool INamedLayer.HasDefaultName => _hasDefaultName;

    bool INamedLayer.IsBuilt => Kernel is not null;

    void INamedLayer.Rename(string name) => Name = Kernel is null ? name : throw new FuncNetException($"Conv2D '{Name}': cannot be renamed to '{name}' after its variables were created.");

    /// <inheritdoc />
    public Expr Apply(Expr input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank != 4 || input.Shape[1] == Shape.Unknown)
        {
            throw new ShapeException($"Conv2D '{Name}': expected NCHW images (batch, channels, height, width) with a known channel count; given shape {input.Shape}.");
        }
        if (Kernel is null || Bias is null)
        {
            var channels = input.Shape[1] / Math.Max(1, Options.Groups);
            var limit = Math.Sqrt(6.0 / (channels * KernelHeight * KernelWidth));
            Kernel = Initializers.Uniform(-limit, limit, _seed).Variable($"{Name}/kernel", Shape.Of(Filters, channels, KernelHeight, KernelWidth), input.DType);
            Bias = Initializers.Zeros.Variable($"{Name}/bias", Shape.Of(Filters), input.DType);
        }
        var z = Ops.Conv2D(input, Kernel, Options) + Ops.Reshape(Bias, Filters, 1, 1);
        return _activation is null ? z : _activation(z);
    }
}
