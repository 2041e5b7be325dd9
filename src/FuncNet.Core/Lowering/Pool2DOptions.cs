namespace FuncNet;

/// <summary>
/// The geometry of a 2-D pooling (<see cref="Ops.MaxPool2D(Expr, Pool2DOptions)"/>,
/// <see cref="Ops.AvgPool2D(Expr, Pool2DOptions)"/>): the window, its stride and the padding.
/// </summary>
/// <param name="KernelH">The window's height (≥ 1).</param>
/// <param name="KernelW">The window's width (≥ 1).</param>
/// <param name="StrideH">The step between windows along the height (≥ 1).</param>
/// <param name="StrideW">The step between windows along the width (≥ 1).</param>
/// <param name="Padding">The padding of the input's spatial axes; padded positions never win a max and are not counted in a mean.</param>
public sealed record Pool2DOptions(int KernelH, int KernelW, int StrideH, int StrideW, Padding2D Padding)
{
    /// <summary>A square window of <paramref name="kernel"/>, moved by <paramref name="stride"/>, with the given padding.</summary>
    public static Pool2DOptions Square(int kernel, int stride, Padding2D padding) => new(kernel, kernel, stride, stride, padding);
}
