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
}
