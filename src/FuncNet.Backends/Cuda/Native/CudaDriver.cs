using System.Runtime.InteropServices;

namespace FuncNet.Backends.Cuda.Native;

/// <summary>
/// The CUDA driver API entry points the backend uses, bound by name from libcuda.so.1 with explicit
/// <c>_v2</c> names (the header's macros that pick them do not exist for P/Invoke). Handles (contexts,
/// streams, events, modules, functions, graphs) are opaque pointers; device pointers are 64-bit integers.
/// Graph capture is optional: a driver without it still runs plans, and <see cref="SupportsGraphs"/> says so.
/// </summary>
internal sealed unsafe class CudaDriver
{
    /// <summary>CUDA_SUCCESS.</summary>
    public const int Success = 0;
    /// <summary>CUDA_ERROR_OUT_OF_MEMORY.</summary>
    public const int ErrorOutOfMemory = 2;
    /// <summary>CUDA_ERROR_NO_DEVICE.</summary>
    public const int ErrorNoDevice = 100;
    /// <summary>CUDA_ERROR_INVALID_PTX.</summary>
    public const int ErrorInvalidPtx = 218;
    /// <summary>CUDA_ERROR_UNSUPPORTED_PTX_VERSION: the driver is older than the PTX's ISA version.</summary>
    public const int ErrorUnsupportedPtxVersion = 222;
    /// <summary>CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR.</summary>
    public const int AttributeComputeCapabilityMajor = 75;
    /// <summary>CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR.</summary>
    public const int AttributeComputeCapabilityMinor = 76;
    /// <summary>CU_STREAM_NON_BLOCKING: the backend's stream does not synchronize with the legacy default stream.</summary>
    public const uint StreamNonBlocking = 1;
    /// <summary>CU_STREAM_CAPTURE_MODE_RELAXED: lets the caching allocator call cuMemAlloc while another thread captures.</summary>
    public const int CaptureModeRelaxed = 2;
    /// <summary>CU_EVENT_DISABLE_TIMING: the staging ring's events only order work, and events without timestamps are cheaper to record and wait on.</summary>
    public const uint EventDisableTiming = 2;

    private static readonly Lazy<(CudaDriver? Driver, string Error)> Loaded = new(TryLoad);

    public readonly delegate* unmanaged<uint, int> cuInit;
    public readonly delegate* unmanaged<int*, int> cuDriverGetVersion;
    public readonly delegate* unmanaged<int*, int> cuDeviceGetCount;
    public readonly delegate* unmanaged<int*, int, int> cuDeviceGet;
    public readonly delegate* unmanaged<int*, int, int, int> cuDeviceGetAttribute;
    public readonly delegate* unmanaged<byte*, int, int, int> cuDeviceGetName;
    public readonly delegate* unmanaged<nint*, int, int> cuDevicePrimaryCtxRetain;
    public readonly delegate* unmanaged<int, int> cuDevicePrimaryCtxRelease_v2;
    public readonly delegate* unmanaged<nint, int> cuCtxSetCurrent;
    public readonly delegate* unmanaged<ulong*, nuint, int> cuMemAlloc_v2;
    public readonly delegate* unmanaged<ulong, int> cuMemFree_v2;
    public readonly delegate* unmanaged<nuint*, nuint*, int> cuMemGetInfo_v2;
    public readonly delegate* unmanaged<void**, nuint, int> cuMemAllocHost_v2;
    public readonly delegate* unmanaged<void*, int> cuMemFreeHost;
    public readonly delegate* unmanaged<ulong, void*, nuint, int> cuMemcpyHtoD_v2;
    public readonly delegate* unmanaged<void*, ulong, nuint, int> cuMemcpyDtoH_v2;
    public readonly delegate* unmanaged<ulong, ulong, nuint, int> cuMemcpyDtoD_v2;
    public readonly delegate* unmanaged<ulong, void*, nuint, nint, int> cuMemcpyHtoDAsync_v2;
    public readonly delegate* unmanaged<void*, ulong, nuint, nint, int> cuMemcpyDtoHAsync_v2;
    public readonly delegate* unmanaged<ulong, ulong, nuint, nint, int> cuMemcpyDtoDAsync_v2;
    public readonly delegate* unmanaged<ulong, byte, nuint, int> cuMemsetD8_v2;
    public readonly delegate* unmanaged<ulong, byte, nuint, nint, int> cuMemsetD8Async;
    public readonly delegate* unmanaged<nint*, void*, int> cuModuleLoadData;
    public readonly delegate* unmanaged<nint, int> cuModuleUnload;
    public readonly delegate* unmanaged<nint*, nint, byte*, int> cuModuleGetFunction;
    public readonly delegate* unmanaged<nint, uint, uint, uint, uint, uint, uint, uint, nint, void**, void**, int> cuLaunchKernel;
    public readonly delegate* unmanaged<nint*, uint, int> cuStreamCreate;
    public readonly delegate* unmanaged<nint, int> cuStreamDestroy_v2;
    public readonly delegate* unmanaged<nint, int> cuStreamSynchronize;
    public readonly delegate* unmanaged<nint*, uint, int> cuEventCreate;
    public readonly delegate* unmanaged<nint, nint, int> cuEventRecord;
    public readonly delegate* unmanaged<nint, int> cuEventSynchronize;
    public readonly delegate* unmanaged<nint, int> cuEventDestroy_v2;
    public readonly delegate* unmanaged<nint, int, int> cuStreamBeginCapture_v2;
    public readonly delegate* unmanaged<nint, nint*, int> cuStreamEndCapture;
    public readonly delegate* unmanaged<nint*, nint, ulong, int> cuGraphInstantiateWithFlags;
    public readonly delegate* unmanaged<nint, nint, int> cuGraphLaunch;
    public readonly delegate* unmanaged<nint, int> cuGraphExecDestroy;
    public readonly delegate* unmanaged<nint, int> cuGraphDestroy;
    public readonly delegate* unmanaged<int, byte**, int> cuGetErrorString;
    public readonly delegate* unmanaged<int, byte**, int> cuGetErrorName;

    private CudaDriver(nint h, string path)
    {
        Path = path;
        nint Get(string name) => NativeLibrary.GetExport(h, name);
        nint Optional(string name) => NativeLibrary.TryGetExport(h, name, out var p) ? p : 0;
        cuInit = (delegate* unmanaged<uint, int>)Get("cuInit");
        cuDriverGetVersion = (delegate* unmanaged<int*, int>)Get("cuDriverGetVersion");
        cuDeviceGetCount = (delegate* unmanaged<int*, int>)Get("cuDeviceGetCount");
        cuDeviceGet = (delegate* unmanaged<int*, int, int>)Get("cuDeviceGet");
        cuDeviceGetAttribute = (delegate* unmanaged<int*, int, int, int>)Get("cuDeviceGetAttribute");
        cuDeviceGetName = (delegate* unmanaged<byte*, int, int, int>)Get("cuDeviceGetName");
        cuDevicePrimaryCtxRetain = (delegate* unmanaged<nint*, int, int>)Get("cuDevicePrimaryCtxRetain");
        cuDevicePrimaryCtxRelease_v2 = (delegate* unmanaged<int, int>)Get("cuDevicePrimaryCtxRelease_v2");
        cuCtxSetCurrent = (delegate* unmanaged<nint, int>)Get("cuCtxSetCurrent");
        cuMemAlloc_v2 = (delegate* unmanaged<ulong*, nuint, int>)Get("cuMemAlloc_v2");
        cuMemFree_v2 = (delegate* unmanaged<ulong, int>)Get("cuMemFree_v2");
        cuMemGetInfo_v2 = (delegate* unmanaged<nuint*, nuint*, int>)Get("cuMemGetInfo_v2");
        cuMemAllocHost_v2 = (delegate* unmanaged<void**, nuint, int>)Get("cuMemAllocHost_v2");
        cuMemFreeHost = (delegate* unmanaged<void*, int>)Get("cuMemFreeHost");
        cuMemcpyHtoD_v2 = (delegate* unmanaged<ulong, void*, nuint, int>)Get("cuMemcpyHtoD_v2");
        cuMemcpyDtoH_v2 = (delegate* unmanaged<void*, ulong, nuint, int>)Get("cuMemcpyDtoH_v2");
        cuMemcpyDtoD_v2 = (delegate* unmanaged<ulong, ulong, nuint, int>)Get("cuMemcpyDtoD_v2");
        cuMemcpyHtoDAsync_v2 = (delegate* unmanaged<ulong, void*, nuint, nint, int>)Get("cuMemcpyHtoDAsync_v2");
        cuMemcpyDtoHAsync_v2 = (delegate* unmanaged<void*, ulong, nuint, nint, int>)Get("cuMemcpyDtoHAsync_v2");
        cuMemcpyDtoDAsync_v2 = (delegate* unmanaged<ulong, ulong, nuint, nint, int>)Get("cuMemcpyDtoDAsync_v2");
        cuMemsetD8_v2 = (delegate* unmanaged<ulong, byte, nuint, int>)Get("cuMemsetD8_v2");
        cuMemsetD8Async = (delegate* unmanaged<ulong, byte, nuint, nint, int>)Get("cuMemsetD8Async");
        cuModuleLoadData = (delegate* unmanaged<nint*, void*, int>)Get("cuModuleLoadData");
        cuModuleUnload = (delegate* unmanaged<nint, int>)Get("cuModuleUnload");
        cuModuleGetFunction = (delegate* unmanaged<nint*, nint, byte*, int>)Get("cuModuleGetFunction");
        cuLaunchKernel = (delegate* unmanaged<nint, uint, uint, uint, uint, uint, uint, uint, nint, void**, void**, int>)Get("cuLaunchKernel");
        cuStreamCreate = (delegate* unmanaged<nint*, uint, int>)Get("cuStreamCreate");
        cuStreamDestroy_v2 = (delegate* unmanaged<nint, int>)Get("cuStreamDestroy_v2");
        cuStreamSynchronize = (delegate* unmanaged<nint, int>)Get("cuStreamSynchronize");
        // CUresult cuEventCreate(CUevent*, unsigned int Flags); cuEventRecord(CUevent, CUstream);
        // cuEventSynchronize(CUevent); cuEventDestroy is a macro for cuEventDestroy_v2(CUevent) since CUDA 4.0.
        cuEventCreate = (delegate* unmanaged<nint*, uint, int>)Get("cuEventCreate");
        cuEventRecord = (delegate* unmanaged<nint, nint, int>)Get("cuEventRecord");
        cuEventSynchronize = (delegate* unmanaged<nint, int>)Get("cuEventSynchronize");
        cuEventDestroy_v2 = (delegate* unmanaged<nint, int>)Get("cuEventDestroy_v2");
        cuGetErrorString = (delegate* unmanaged<int, byte**, int>)Get("cuGetErrorString");
        cuGetErrorName = (delegate* unmanaged<int, byte**, int>)Get("cuGetErrorName");
        // Graph capture arrived in CUDA 10 (_v2 capture in 10.1, instantiate-with-flags in 11.4).
        cuStreamBeginCapture_v2 = (delegate* unmanaged<nint, int, int>)Optional("cuStreamBeginCapture_v2");
        cuStreamEndCapture = (delegate* unmanaged<nint, nint*, int>)Optional("cuStreamEndCapture");
        cuGraphInstantiateWithFlags = (delegate* unmanaged<nint*, nint, ulong, int>)Optional("cuGraphInstantiateWithFlags");
        cuGraphLaunch = (delegate* unmanaged<nint, nint, int>)Optional("cuGraphLaunch");
        cuGraphExecDestroy = (delegate* unmanaged<nint, int>)Optional("cuGraphExecDestroy");
        cuGraphDestroy = (delegate* unmanaged<nint, int>)Optional("cuGraphDestroy");
    }

    /// <summary>The file that was loaded.</summary>
    public string Path { get; }

    /// <summary>True when the driver exports everything graph capture and replay need.</summary>
    public bool SupportsGraphs => cuStreamBeginCapture_v2 != null && cuStreamEndCapture != null && cuGraphInstantiateWithFlags != null
                                  && cuGraphLaunch != null && cuGraphExecDestroy != null && cuGraphDestroy != null;

    /// <summary>The driver, or null with the reason (every name tried, or the missing entry point).</summary>
    public static (CudaDriver? Driver, string Error) Load() => Loaded.Value;

    private static (CudaDriver?, string) TryLoad()
    {
        try
        {
            var (handle, path) = CudaLibraryResolver.Load(CudaLibrarySpec.Driver);
            return (new CudaDriver(handle, path), "");
        }
        catch (BackendUnavailableException e)
        {
            return (null, e.Message);
        }
        catch (EntryPointNotFoundException e)
        {
            return (null, $"The CUDA driver is too old for FuncNet (it needs CUDA 11.4 or newer): {e.Message}");
        }
    }

    /// <summary>The driver's name and description of an error code, e.g. <c>CUDA_ERROR_OUT_OF_MEMORY (out of memory)</c>.</summary>
    public string Describe(int code)
    {
        byte* name = null, text = null;
        var n = cuGetErrorName(code, &name) == Success && name != null ? Marshal.PtrToStringUTF8((nint)name) : null;
        var s = cuGetErrorString(code, &text) == Success && text != null ? Marshal.PtrToStringUTF8((nint)text) : null;
        return $"{n ?? "CUresult " + code} ({s ?? "unknown error"})";
    }

    /// <summary>Throws a <see cref="CudaException"/> (or a more specific one) when <paramref name="code"/> is not success.</summary>
    public void Check(int code, string call)
    {
        if (code != Success)
        {
            throw Error(code, call);
        }
    }

    /// <summary>The exception for a failed call, with the advice that fits the code.</summary>
    public FuncNetException Error(int code, string call)
    {
        var what = $"{call} failed: {Describe(code)}.";
        return code switch
        {
            ErrorOutOfMemory => new CudaOutOfMemoryException(what + " The device is out of memory: use a smaller batch or free other GPU processes."),
            ErrorNoDevice => new BackendUnavailableException(what + " No CUDA device is visible (check nvidia-smi and CUDA_VISIBLE_DEVICES)."),
            ErrorUnsupportedPtxVersion => new CudaException(what + " The NVIDIA driver is older than the NVRTC that generated the PTX: " +
                                                            "update the driver, or point FUNCNET_CUDA_LIB_DIR at an NVRTC no newer than the driver's CUDA version.", code),
            _ => new CudaException(what, code),
        };
    }
}
