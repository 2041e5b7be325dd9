namespace FuncNet.Lowering;

/// <summary>Which of the three products of a convolution a <see cref="ConvolutionKind"/> computes, and so the order of its inputs.</summary>
internal enum ConvolutionPass
{
    /// <summary>y = Conv2D(x, w); inputs (images, filters).</summary>
    Forward,

    /// <summary>dx from output gradients (the transposed convolution); inputs (output gradients, filters).</summary>
    InputGradient,

    /// <summary>dw from images and output gradients; inputs (images, output gradients).</summary>
    FilterGradient,
}

/// <summary>
/// A 2-D convolution pass over images of <see cref="Image"/> (N, C, H, W) and filters of <see cref="Filter"/>
/// (K, C/groups, R, S) in a resolved geometry: what im2col + GEMM, oneDNN or a CUDA kernel needs, whichever of the
/// three ops of the family it came from.
/// </summary>
/// <param name="Geometry">Strides, explicit padding, dilation and groups.</param>
/// <param name="Image">The images' shape (N, C, H, W), fully known.</param>
/// <param name="Filter">The filters' shape (K, C/groups, R, S), fully known.</param>
/// <param name="Pass">Which product, and so which inputs.</param>
internal sealed record ConvolutionKind(Conv2DGeometry Geometry, Shape Image, Shape Filter, ConvolutionPass Pass) : KernelKind
{
    /// <inheritdoc />
    public override string Describe() => $"convolution {Pass} of images {Image} and filters {Filter}, {Geometry}";
}
