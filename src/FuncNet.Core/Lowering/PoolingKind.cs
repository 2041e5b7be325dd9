namespace FuncNet.Lowering;

/// <summary>Which pooling product a <see cref="PoolingKind"/> computes, and so its inputs.</summary>
internal enum PoolingPass
{
    /// <summary>The maximum of each window; input (x).</summary>
    MaxForward,

    /// <summary>Output gradients scattered to each window's first maximum; inputs (x, output gradients).</summary>
    MaxGradient,

    /// <summary>Values gathered from each window's first maximum (the forward derivative); inputs (x, values of x's shape).</summary>
    MaxSelect,

    /// <summary>The mean of each window's real positions; input (x).</summary>
    AverageForward,

    /// <summary>Output gradients spread evenly over each window's real positions; input (output gradients).</summary>
    AverageGradient,
}

/// <summary>A 2-D pooling pass over inputs of <see cref="Input"/> (N, C, H, W) in a resolved geometry.</summary>
/// <param name="Geometry">Window, stride and explicit padding.</param>
/// <param name="Input">The pooled tensor's shape (N, C, H, W), fully known (for gradients, the shape of the result).</param>
/// <param name="Pass">Which product, and so which inputs.</param>
internal sealed record PoolingKind(Pool2DGeometry Geometry, Shape Input, PoolingPass Pass) : KernelKind
{
    /// <inheritdoc />
    public override string Describe() => $"pooling {Pass} of {Input}, {Geometry}";
}
