namespace FuncNet;

/// <summary>
/// The geometry of a 2-D convolution (<see cref="Ops.Conv2D(Expr, Expr, Conv2DOptions)"/>,
/// <see cref="Ops.Conv2DTranspose(Expr, Expr, Conv2DOptions)"/>): strides, padding, dilation and groups. Every
/// property has PyTorch's default (stride 1, no padding, dilation 1, one group); set only what differs, e.g.
/// <c>new Conv2DOptions { StrideH = 2, StrideW = 2, Padding = Padding2D.Same }</c> in C# or
/// <c>Conv2DOptions(StrideH = 2, StrideW = 2, Padding = Padding2D.Same)</c> in F#.
/// </summary>
public sealed record Conv2DOptions
{
    /// <summary>The default geometry: stride 1, valid padding, dilation 1, one group.</summary>
    public static Conv2DOptions Default { get; } = new();

    /// <summary>The step between windows along the height (≥ 1).</summary>
    public int StrideH { get; init; } = 1;

    /// <summary>The step between windows along the width (≥ 1).</summary>
    public int StrideW { get; init; } = 1;

    /// <summary>The padding of the input's spatial axes; <see cref="Padding2D.Valid"/> by default.</summary>
    public Padding2D Padding { get; init; } = Padding2D.Valid;

    /// <summary>The spacing between filter taps along the height (≥ 1; 1 means adjacent taps).</summary>
    public int DilationH { get; init; } = 1;

    /// <summary>The spacing between filter taps along the width (≥ 1; 1 means adjacent taps).</summary>
    public int DilationW { get; init; } = 1;

    /// <summary>The number of groups: input and output channels are split into this many independent convolutions (≥ 1).</summary>
    public int Groups { get; init; } = 1;

    /// <summary>Options with the same stride along both axes and the given padding.</summary>
    public static Conv2DOptions WithStride(int stride, Padding2D padding) => new() { StrideH = stride, StrideW = stride, Padding = padding };
}
