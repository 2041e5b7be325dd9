namespace FuncNet.Layers;

/// <summary>Max pooling over NCHW images (<see cref="Ops.MaxPool2D(Expr, Pool2DOptions)"/>), like PyTorch's <c>nn.MaxPool2d</c>. No variables.</summary>
public sealed class MaxPool2D : ILayer
{
    /// <summary>Non-overlapping square windows of <paramref name="kernel"/> pixels (stride = kernel, no padding).</summary>
    public MaxPool2D(int kernel) : this(Pool2DOptions.Square(kernel, kernel, Padding2D.Valid)) { }

    /// <summary>Windows, strides and padding as given.</summary>
    public MaxPool2D(Pool2DOptions options) => Options = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>The window geometry.</summary>
    public Pool2DOptions Options { get; }

    /// <inheritdoc />
    public IReadOnlyList<Expr> Variables => [];

    /// <inheritdoc />
    public Expr Apply(Expr input) => Ops.MaxPool2D(input ?? throw new ArgumentNullException(nameof(input)), Options);
}
