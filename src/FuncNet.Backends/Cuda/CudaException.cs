namespace FuncNet.Backends.Cuda;

/// <summary>A CUDA driver, NVRTC or cuBLAS call failed; the message names the call, the error code and what to do.</summary>
public class CudaException : FuncNetException
{
    /// <summary>Creates the exception.</summary>
    public CudaException(string message, int code) : base(message) => Code = code;

    /// <summary>The library's numeric status code (CUresult, nvrtcResult or cublasStatus_t).</summary>
    public int Code { get; }
}

/// <summary>The device ran out of memory even after the caching allocator released every cached buffer.</summary>
public sealed class CudaOutOfMemoryException : CudaException
{
    /// <summary>Creates the exception.</summary>
    public CudaOutOfMemoryException(string message) : base(message, 2) { }
}

/// <summary>NVRTC rejected generated CUDA C; <see cref="Log"/> holds the compiler's log and the message quotes it.</summary>
public sealed class CudaCompilationException : FuncNetException
{
    /// <summary>Creates the exception.</summary>
    public CudaCompilationException(string message, string log, string source) : base(message)
    {
        Log = log;
        Source = source;
    }

    /// <summary>NVRTC's program log.</summary>
    public string Log { get; }

    /// <summary>The CUDA C that failed to compile.</summary>
    public new string Source { get; }
}
