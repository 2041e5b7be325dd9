namespace FuncNet.Backends.Cpu.OneDnn;

/// <summary>The values of oneDNN 2.6's C enums and argument roles that FuncNet passes (dnnl_types.h).</summary>
internal static class OneDnnConstants
{
    /// <summary><c>dnnl_forward_training</c>: a forward pass whose backward will follow (keeps a max-pooling workspace).</summary>
    public const int ForwardTraining = 64;

    /// <summary><c>dnnl_forward_inference</c>: a forward pass alone.</summary>
    public const int ForwardInference = 96;

    /// <summary><c>dnnl_convolution_direct</c>: direct convolution (no Winograd, whose rounding differs).</summary>
    public const int ConvolutionDirect = 1;

    /// <summary><c>dnnl_pooling_max</c>.</summary>
    public const int PoolingMax = 511;

    /// <summary><c>dnnl_pooling_avg_include_padding</c>: padded cells count in the divisor.</summary>
    public const int PoolingAverageIncludingPadding = 767;

    /// <summary><c>dnnl_pooling_avg_exclude_padding</c>: only cells inside the input count.</summary>
    public const int PoolingAverageExcludingPadding = 1023;

    /// <summary><c>DNNL_ARG_SRC</c>.</summary>
    public const int Source = 1;

    /// <summary><c>DNNL_ARG_DST</c>.</summary>
    public const int Destination = 17;

    /// <summary><c>DNNL_ARG_WEIGHTS</c>.</summary>
    public const int Weights = 33;

    /// <summary><c>DNNL_ARG_WORKSPACE</c>.</summary>
    public const int Workspace = 64;

    /// <summary><c>DNNL_ARG_DIFF_SRC</c>.</summary>
    public const int DiffSource = 129;

    /// <summary><c>DNNL_ARG_DIFF_DST</c>.</summary>
    public const int DiffDestination = 145;

    /// <summary><c>DNNL_ARG_DIFF_WEIGHTS</c>.</summary>
    public const int DiffWeights = 161;
}
