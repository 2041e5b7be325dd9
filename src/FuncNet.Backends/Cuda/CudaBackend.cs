using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;
using FuncNet.Backends.Cuda.Native;

namespace FuncNet.Backends.Cuda;

/// <summary>
/// The GPU backend: GEMMs through cuBLAS, every other supported op as CUDA C generated from the op's scalar
/// formula (fused elementwise maps with the CPU backend's layouts plus strided broadcasts, reductions over
/// a run of adjacent axes, softmax along the last axis, broadcasts, transposes), compiled by NVRTC for the
/// device's architecture and cached in memory and on disk. Ops without a kernel run their reference
/// kernel on the host (correct, slow, documented in docs/gpu.md). Memory comes from a caching allocator.
/// Everything is enqueued on one non-blocking stream; transfers go through pinned staging buffers, uploads
/// without waiting for the stream and downloads after synchronizing it. A sequence of launches can be
/// captured once and replayed as a <see cref="CudaGraph"/>; as an <see cref="IGraphCapture"/>, the backend
/// lets a <see cref="Plan"/> do that with its runs.
/// </summary>
public sealed unsafe class CudaBackend : IBackend, IGraphCapture
{
    [ThreadStatic] private static nint _currentContext;

    private readonly CudaMemoryPool _pool;
    private readonly CudaPinnedStaging _staging;
    private readonly CudaStreamGate _gate = new();
    private readonly CudaCompiler _compiler;
    private readonly ConcurrentDictionary<string, nint> _functions = new();
    private readonly ConcurrentBag<nint> _modules = new();
    private readonly int _device;
    private nint _context;
    private long _live;

    private CudaBackend(CudaDriver driver, int device, nint context, nint stream, Nvrtc nvrtc, Cublas blas, nint blasHandle, CudaOptions options,
                        string deviceName, int computeCapability)
    {
        Driver = driver;
        _device = device;
        _context = context;
        Stream = stream;
        Blas = blas;
        BlasHandle = blasHandle;
        DeviceName = deviceName;
        ComputeCapability = computeCapability;
        Options = options;
        _pool = new CudaMemoryPool(new DriverMemory(this));
        _staging = new CudaPinnedStaging(new DriverTransfers(this));
        IndexChecks = new CudaIndexChecks(this);
        var cache = options.CacheDirectory is null ? CudaCompiler.DefaultCacheDirectory() : options.CacheDirectory.Length == 0 ? null : options.CacheDirectory;
        _compiler = new CudaCompiler(nvrtc, CudaCompiler.ChooseArchitecture(computeCapability, nvrtc.SupportedArchitectures()), cache);
    }

    /// <summary>
    /// True when the CUDA driver loads, initializes and reports at least one device. NVRTC and cuBLAS are
    /// checked by <see cref="Create"/>, whose exception says what is missing.
    /// </summary>
    public static bool IsAvailable => Probe().Available;

    /// <summary>Whether a device is usable and, if not, why (every library name tried, or the driver's error).</summary>
    public static (bool Available, string Reason) Probe()
    {
        var (driver, error) = CudaDriver.Load();
        if (driver is null) { return (false, error); }
        var init = driver.cuInit(0);
        if (init != CudaDriver.Success) { return (false, $"cuInit failed: {driver.Describe(init)}."); }
        int count;
        var r = driver.cuDeviceGetCount(&count);
        if (r != CudaDriver.Success) { return (false, $"cuDeviceGetCount failed: {driver.Describe(r)}."); }
        return count > 0 ? (true, "") : (false, "The CUDA driver reports no device.");
    }

    /// <summary>
    /// Opens the device: retains its primary context (the one cuBLAS's runtime uses too), creates a stream
    /// and a cuBLAS handle, loads NVRTC. Throws <see cref="BackendUnavailableException"/> saying what is
    /// missing (driver, device, NVRTC, cuBLAS), with every library name tried.
    /// </summary>
    public static CudaBackend Create(CudaOptions? options = null)
    {
        options ??= new CudaOptions();
        var (driver, error) = CudaDriver.Load();
        if (driver is null) { throw new BackendUnavailableException(error); }
        var (nvrtc, nvrtcError) = Nvrtc.Load();
        if (nvrtc is null) { throw new BackendUnavailableException(nvrtcError); }
        var (blas, blasError) = Cublas.Load();
        if (blas is null) { throw new BackendUnavailableException(blasError); }

        Unavailable(driver, driver.cuInit(0), "cuInit");
        int count, device, major, minor;
        Unavailable(driver, driver.cuDeviceGetCount(&count), "cuDeviceGetCount");
        if (options.Device < 0 || options.Device >= count)
        {
            throw new BackendUnavailableException($"CUDA device {options.Device} does not exist: the driver reports {count} device(s) (check nvidia-smi and CUDA_VISIBLE_DEVICES).");
        }
        Unavailable(driver, driver.cuDeviceGet(&device, options.Device), "cuDeviceGet");
        driver.Check(driver.cuDeviceGetAttribute(&major, CudaDriver.AttributeComputeCapabilityMajor, device), "cuDeviceGetAttribute");
        driver.Check(driver.cuDeviceGetAttribute(&minor, CudaDriver.AttributeComputeCapabilityMinor, device), "cuDeviceGetAttribute");
        var name = stackalloc byte[256];
        driver.Check(driver.cuDeviceGetName(name, 256, device), "cuDeviceGetName");
        nint context = 0, stream = 0, handle = 0;
        try
        {
            driver.Check(driver.cuDevicePrimaryCtxRetain(&context, device), "cuDevicePrimaryCtxRetain");
            driver.Check(driver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
            _currentContext = context;
            driver.Check(driver.cuStreamCreate(&stream, CudaDriver.StreamNonBlocking), "cuStreamCreate");
            Cublas.Check(blas.cublasCreate_v2(&handle), "cublasCreate_v2");
            Cublas.Check(blas.cublasSetStream_v2(handle, stream), "cublasSetStream_v2");
            Cublas.Check(blas.cublasSetMathMode(handle, options.AllowTf32 ? Cublas.Tf32TensorOpMath : Cublas.DefaultMath), "cublasSetMathMode");
            return new CudaBackend(driver, device, context, stream, nvrtc, blas, handle, options,
                                   Marshal.PtrToStringUTF8((nint)name) ?? "GPU", major * 10 + minor);
        }
        catch
        {
            if (handle != 0) { blas.cublasDestroy_v2(handle); }
            if (stream != 0) { driver.cuStreamDestroy_v2(stream); }
            if (context != 0) { driver.cuDevicePrimaryCtxRelease_v2(device); }
            _currentContext = 0;
            throw;
        }
    }

    private static void Unavailable(CudaDriver driver, int code, string call)
    {
        if (code != CudaDriver.Success)
        {
            throw new BackendUnavailableException($"{call} failed: {driver.Describe(code)}. No usable CUDA device (check nvidia-smi, the driver and CUDA_VISIBLE_DEVICES).");
        }
    }

    internal CudaDriver Driver { get; }
    internal nint Stream { get; }
    internal Cublas Blas { get; }
    internal nint BlasHandle { get; }

    /// <summary>The status words of the prepared gathers, raised after every wait for the stream.</summary>
    internal CudaIndexChecks IndexChecks { get; }

    /// <summary>The options the backend was created with.</summary>
    public CudaOptions Options { get; }

    /// <summary>The device's name, e.g. <c>NVIDIA H100 80GB HBM3</c>.</summary>
    public string DeviceName { get; }

    /// <summary>The device's compute capability as major·10 + minor, e.g. 90.</summary>
    public int ComputeCapability { get; }

    /// <summary>The virtual architecture kernels are compiled for (compute_XY), at most the device's.</summary>
    public int Architecture => _compiler.Architecture;

    /// <summary>How many kernels NVRTC compiled in this process (cache misses).</summary>
    public int Compilations => _compiler.Compilations;

    /// <inheritdoc />
    public string Name => "cuda";

    /// <summary>True: fused elementwise groups run as single generated kernels.</summary>
    public bool FusesElementwise => true;

    /// <inheritdoc />
    public long LiveTensors => Interlocked.Read(ref _live);

    /// <summary>Device bytes held by live tensors (rounded to the allocator's buckets).</summary>
    public long LiveBytes => _pool.LiveBytes;

    /// <summary>Device blocks held by live tensors (views hold none).</summary>
    public long LiveBuffers => _pool.LiveBuffers;

    /// <summary>Device bytes cached for reuse by the allocator.</summary>
    public long CachedBytes => _pool.CachedBytes;

    /// <summary>Page-locked host bytes held by the transfer staging buffers.</summary>
    public long PinnedStagingBytes => _staging.PinnedBytes;

    internal void OnCreated() => Interlocked.Increment(ref _live);

    internal void OnReleased(ulong pointer, long blockSize)
    {
        Interlocked.Decrement(ref _live);
        if (blockSize > 0) { _pool.Return(pointer, blockSize); }
    }

    /// <summary>Makes the backend's context current on the calling thread (plans may run on any thread).</summary>
    internal void EnsureCurrent()
    {
        if (_currentContext != _context)
        {
            ObjectDisposedException.ThrowIf(_context == 0, this);
            Driver.Check(Driver.cuCtxSetCurrent(_context), "cuCtxSetCurrent");
            _currentContext = _context;
        }
    }

    /// <summary>
    /// Holds the stream for an enqueue (waiting while another thread captures it) with the context current;
    /// dispose when the work is enqueued.
    /// </summary>
    internal CudaStreamGate.Scope EnterStream()
    {
        var scope = _gate.Enqueue();
        try
        {
            EnsureCurrent();
        }
        catch
        {
            scope.Dispose();
            throw;
        }
        return scope;
    }

    /// <summary>The loaded entry point of a generated kernel body, compiled and loaded once per backend.</summary>
    internal nint Function(string body) => _functions.GetOrAdd(body, b =>
    {
        var ptx = _compiler.Compile(b);
        EnsureCurrent();
        nint module, function;
        var image = Encoding.UTF8.GetBytes(ptx + "\0");
        fixed (byte* p = image) { Driver.Check(Driver.cuModuleLoadData(&module, p), $"cuModuleLoadData (PTX for compute_{Architecture})"); }
        _modules.Add(module);
        var entry = Encoding.UTF8.GetBytes(CudaCodeGenerator.Entry + "\0");
        fixed (byte* e = entry) { Driver.Check(Driver.cuModuleGetFunction(&function, module, e), "cuModuleGetFunction"); }
        return function;
    });

    /// <inheritdoc />
    public DeviceTensor Allocate(Shape shape, DType dtype)
    {
        EnsureCurrent();
        var (pointer, size) = _pool.Rent(Math.Max(1, (long)shape.Size * dtype.SizeInBytes()));
        return new CudaTensor(this, shape, dtype, pointer, size);
    }

    /// <inheritdoc />
    public void CopyIn(Tensor source, DeviceTensor target)
    {
        var t = Require(target);
        Same(source.Shape.Size, source.DType, t, "CopyIn");
        if (t.Bytes == 0) { return; }
        // A captured copy would replay from the staging block, whose contents by then belong to later uploads.
        NotWhileCapturing("CopyIn", "copy host values into the graph's tensors before replaying it, outside the capture");
        using var stream = EnterStream();
        // The staging copies the data out before returning, so the array may move after.
        fixed (byte* p = &MemoryMarshal.GetArrayDataReference(source.Data))
        {
            _staging.Upload((nint)p, t.Bytes, t.Pointer);
        }
    }

    /// <summary>Throws a <see cref="FuncNetException"/> when the calling thread is capturing the stream.</summary>
    private void NotWhileCapturing(string call, string instead)
    {
        if (_gate.CapturingOnThisThread)
        {
            throw new FuncNetException($"CudaBackend.{call} cannot be recorded into a CUDA graph: {instead}.");
        }
    }

    /// <inheritdoc />
    public Tensor Download(DeviceTensor value)
    {
        var t = Require(value);
        Array data = t.DType switch
        {
            DType.Float32 => new float[t.Shape.Size],
            DType.Float64 => new double[t.Shape.Size],
            _ => new int[t.Shape.Size],
        };
        if (t.Bytes > 0)
        {
            // Waiting for the stream would end the capture; a graph holds only device work.
            NotWhileCapturing("Download", "download results after replaying the graph, outside the capture");
            using var stream = EnterStream();
            fixed (byte* p = &MemoryMarshal.GetArrayDataReference(data))
            {
                _staging.Download(t.Pointer, (nint)p, t.Bytes);
            }
            // The download waited for the stream: every gather enqueued before it has reported.
            IndexChecks.Raise();
        }
        return Tensor.Wrap(t.Shape, t.DType, data);
    }

    /// <inheritdoc />
    public void Copy(DeviceTensor source, DeviceTensor target)
    {
        CudaTensor s = Require(source), t = Require(target);
        Same(s.Shape.Size, s.DType, t, "Copy");
        if (t.Bytes == 0) { return; }
        using var stream = EnterStream();
        Driver.Check(Driver.cuMemcpyDtoDAsync_v2(t.Pointer, s.Pointer, (nuint)t.Bytes, Stream), "cuMemcpyDtoDAsync_v2");
    }

    /// <inheritdoc />
    public DeviceTensor? View(DeviceTensor value, Shape shape)
    {
        var t = Require(value);
        return new CudaTensor(this, shape, t.DType, t.Pointer, blockSize: 0);
    }

    /// <inheritdoc />
    public IKernel Prepare(Expr node, IReadOnlyList<Shape> inputShapes, Shape shape, DType dtype)
    {
        ArgumentNullException.ThrowIfNull(node);
        var step = CudaKernelPlanner.Plan(node.Op, inputShapes, node.Inputs.Select(i => i.DType).ToArray(), shape, dtype, Options.ConvolutionScratchBytes);
        return CudaKernels.Create(this, node.Op, step, shape, dtype);
    }

    /// <summary>Waits until everything enqueued on the backend's stream has run; throws if a kernel failed.</summary>
    public void Synchronize()
    {
        NotWhileCapturing("Synchronize", "synchronize after replaying the graph, outside the capture");
        using var stream = EnterStream();
        Driver.Check(Driver.cuStreamSynchronize(Stream), "cuStreamSynchronize");
        IndexChecks.Raise();
    }

    /// <summary>
    /// Captures the kernel launches and device copies that <paramref name="launches"/> enqueues on the
    /// backend's stream (e.g. running prepared <see cref="IKernel"/>s over fixed tensors) into a
    /// <see cref="CudaGraph"/> to replay. Nothing runs during capture. Inside, only asynchronous device work
    /// is allowed: <see cref="CopyIn"/>, <see cref="Download"/> and <see cref="Synchronize"/> throw a
    /// <see cref="FuncNetException"/>, and so does a fallback kernel (it downloads); the capture is then
    /// abandoned and the backend stays usable. Other threads' work on this backend waits until the capture
    /// ends rather than being recorded into it. Allocation is allowed (relaxed capture mode), but replays
    /// reuse the addresses seen during capture, so tensors used must stay alive as long as the graph.
    /// </summary>
    public CudaGraph Capture(Action launches)
    {
        ArgumentNullException.ThrowIfNull(launches);
        if (!Driver.SupportsGraphs)
        {
            throw new BackendUnavailableException("This CUDA driver lacks graph capture (cuStreamBeginCapture_v2, cuGraphInstantiateWithFlags: CUDA 11.4+); update the NVIDIA driver.");
        }
        _gate.BeginCapture();
        try
        {
            EnsureCurrent();
            Driver.Check(Driver.cuStreamBeginCapture_v2(Stream, CudaDriver.CaptureModeRelaxed), "cuStreamBeginCapture_v2");
            nint graph = 0;
            try
            {
                launches();
            }
            catch
            {
                // End the capture whatever happened, or the stream stays in capture mode and every later call fails.
                Driver.cuStreamEndCapture(Stream, &graph);
                if (graph != 0) { Driver.cuGraphDestroy(graph); }
                throw;
            }
            Driver.Check(Driver.cuStreamEndCapture(Stream, &graph), "cuStreamEndCapture (something in the captured action synchronized the stream)");
            nint exec;
            var r = Driver.cuGraphInstantiateWithFlags(&exec, graph, 0);
            if (r != CudaDriver.Success)
            {
                Driver.cuGraphDestroy(graph);
                throw Driver.Error(r, "cuGraphInstantiateWithFlags");
            }
            return new CudaGraph(this, graph, exec);
        }
        finally
        {
            _gate.EndCapture();
        }
    }

    /// <summary>
    /// True for the kernels this backend prepared that only enqueue device work (generated kernels, cuBLAS
    /// GEMMs, device copies); false for the host fallback, which downloads its inputs, and for anything else.
    /// </summary>
    public bool CanCapture(IKernel kernel) => CudaKernels.CanCapture(kernel, this);

    /// <inheritdoc />
    ICapturedWork IGraphCapture.Capture(Action launches) => Capture(launches);

    /// <summary>Frees cached device memory (live tensors keep theirs).</summary>
    public void TrimCache() => _pool.ReleaseCached();

    /// <summary>Releases the cache, the modules, the cuBLAS handle, the stream and the context; tensors still alive must not be used after.</summary>
    public void Dispose()
    {
        if (_context == 0) { return; }
        EnsureCurrent();
        Driver.cuStreamSynchronize(Stream);
        // After the synchronization no copy still reads a staging block.
        _staging.Dispose();
        _pool.Dispose();
        foreach (var m in _modules) { Driver.cuModuleUnload(m); }
        Blas.cublasDestroy_v2(BlasHandle);
        Driver.cuStreamDestroy_v2(Stream);
        Driver.cuDevicePrimaryCtxRelease_v2(_device);
        _context = 0;
        _currentContext = 0;
        _gate.Dispose();
    }

    /// <summary>True once <see cref="Dispose"/> has run.</summary>
    internal bool IsDisposed => _context == 0;

    private CudaTensor Require(DeviceTensor value) => DeviceTensor.Require<CudaTensor>(value, Name);

    private static void Same(int size, DType dtype, CudaTensor target, string call)
    {
        if (size != target.Shape.Size || dtype != target.DType)
        {
            throw new ShapeException($"CudaBackend.{call}: expected {target.Shape.Size} {target.DType} elements; given {size} {dtype}.");
        }
    }

    /// <summary>The driver's pinned memory, events and stream copies under the transfer staging.</summary>
    private sealed class DriverTransfers(CudaBackend backend) : IPinnedTransfers
    {
        private CudaDriver Driver => backend.Driver;

        public nint AllocateHost(long bytes)
        {
            void* p;
            var r = Driver.cuMemAllocHost_v2(&p, (nuint)bytes);
            if (r == CudaDriver.ErrorOutOfMemory)
            {
                // Host memory, not the device's: CudaOutOfMemoryException's advice (smaller batches, other GPU processes) would mislead.
                throw new CudaException($"cuMemAllocHost_v2 could not pin {bytes:N0} bytes of host memory for transfer staging: {Driver.Describe(r)}. Free host memory or run fewer processes that pin memory.", r);
            }
            Driver.Check(r, "cuMemAllocHost_v2 (transfer staging)");
            return (nint)p;
        }

        public void FreeHost(nint block) => Driver.cuMemFreeHost((void*)block);

        public nint CreateEvent()
        {
            nint e;
            Driver.Check(Driver.cuEventCreate(&e, CudaDriver.EventDisableTiming), "cuEventCreate");
            return e;
        }

        public void DestroyEvent(nint handle) => Driver.cuEventDestroy_v2(handle);

        public void RecordEvent(nint handle) => Driver.Check(Driver.cuEventRecord(handle, backend.Stream), "cuEventRecord");

        public void WaitEvent(nint handle) => Driver.Check(Driver.cuEventSynchronize(handle), "cuEventSynchronize (a kernel or copy enqueued earlier failed)");

        public void CopyToDevice(ulong target, nint source, long bytes) =>
            Driver.Check(Driver.cuMemcpyHtoDAsync_v2(target, (void*)source, (nuint)bytes, backend.Stream), "cuMemcpyHtoDAsync_v2");

        public void CopyToHost(nint target, ulong source, long bytes) =>
            Driver.Check(Driver.cuMemcpyDtoHAsync_v2((void*)target, source, (nuint)bytes, backend.Stream), "cuMemcpyDtoHAsync_v2");

        public void Synchronize() => Driver.Check(Driver.cuStreamSynchronize(backend.Stream), "cuStreamSynchronize (a kernel enqueued earlier failed)");
    }

    /// <summary>The driver's allocator under the caching pool.</summary>
    private sealed class DriverMemory(CudaBackend backend) : IDeviceMemory
    {
        public bool TryAllocate(long bytes, out ulong pointer)
        {
            ulong p;
            var r = backend.Driver.cuMemAlloc_v2(&p, (nuint)bytes);
            pointer = p;
            if (r == CudaDriver.ErrorOutOfMemory) { return false; }
            backend.Driver.Check(r, "cuMemAlloc_v2");
            return true;
        }

        public void Free(ulong pointer) => backend.Driver.cuMemFree_v2(pointer);
    }
}
