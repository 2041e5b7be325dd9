namespace FuncNet.Backends.Cuda;

/// <summary>How <see cref="CudaBackend.Create(CudaOptions?)"/> sets up the GPU backend.</summary>
public sealed record CudaOptions
{
    /// <summary>The device ordinal (as CUDA_VISIBLE_DEVICES numbers them); 0 by default.</summary>
    public int Device { get; init; }

    /// <summary>
    /// Lets cuBLAS run Float32 GEMMs on TF32 tensor cores (inputs rounded to a 10-bit mantissa): faster on
    /// Ampere and later, but results then differ from the Reference backend beyond the conformance
    /// tolerance. Off by default.
    /// </summary>
    public bool AllowTf32 { get; init; }

    /// <summary>Where compiled PTX is cached; null for <c>FUNCNET_CUDA_CACHE</c> or ~/.cache/funcnet/cuda; empty disables the disk cache.</summary>
    public string? CacheDirectory { get; init; }

    /// <summary>
    /// The most device memory one convolution kernel keeps for its im2col columns (256 MiB by default): a batch runs
    /// in chunks of as many images as fit, one GEMM per chunk; an image whose columns alone need more runs alone.
    /// </summary>
    public long ConvolutionScratchBytes
    {
        get => _convolutionScratchBytes;
        init => _convolutionScratchBytes = value > 0 ? value
            : throw new FuncNetException($"CudaOptions.ConvolutionScratchBytes: expected a positive number of bytes; given {value}.");
    }

    private readonly long _convolutionScratchBytes = CudaKernelPlanner.DefaultConvolutionScratchBytes;
}
