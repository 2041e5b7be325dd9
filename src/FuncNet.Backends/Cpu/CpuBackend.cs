using System.Numerics;
using FuncNet.Backends.Cpu.Mkl;
using FuncNet.Backends.Cpu.OneDnn;
using FuncNet.Compilation;
using FuncNet.Lowering;

namespace FuncNet.Backends.Cpu;

/// <summary>
/// The CPU backend: GEMM through Intel MKL when it loads (else a blocked managed SIMD GEMM), fused
/// elementwise maps compiled to SIMD kernels from their scalar formulas, SIMD reductions and softmax.
/// Ops without a specialized kernel run their reference kernel on the same host arrays. Values are pooled
/// host arrays, so a plan run repeatedly with the same shapes stops allocating after the first run.
/// </summary>
public sealed class CpuBackend : IBackend
{
    private readonly BufferPool _pool = new(DefaultPoolLimitBytes);
    private readonly IGemm _gemm;
    private readonly bool _oneDnnConvolutions;
    private long _live;

    // Native backends run Float32 convolution and pooling through oneDNN when it loads (managed kernels
    // otherwise); the managed backend stays free of native code.
    private CpuBackend(IGemm gemm, bool native = true)
    {
        _gemm = gemm;
        _oneDnnConvolutions = native && OneDnnAvailable;
    }

    /// <summary>The managed backend: no native code at all (the embedded default of a fresh machine).</summary>
    public static CpuBackend CreateManaged() => new(new ParallelGemm(new ManagedGemm()), native: false);

    /// <summary>The MKL backend: every GEMM through MKL. Throws a <see cref="BackendUnavailableException"/> naming the paths tried when MKL does not load.</summary>
    public static CpuBackend CreateMkl()
    {
        var (mkl, error) = MklLibrary.Load();
        return mkl is null ? throw new BackendUnavailableException(error) : new CpuBackend(MklGemm(mkl));
    }

    // MKL runs sequential (see MklLibrary), so FuncNet splits its large products; OpenBLAS threads itself.
    private static IGemm MklGemm(MklLibrary mkl) => new ParallelGemm(new CblasGemm(mkl.Blas));

    private static IGemm OpenBlasGemm(Cblas blas) => new ParallelGemm(new CblasGemm(blas), split: false);

    // oneDNN twice: on one OpenMP thread, split by FuncNet as MKL is, and on the backend's whole thread budget,
    // partitioning each product itself; the per-shape choice measures which is faster. FUNCNET_ONEDNN_THREADS
    // fixes its threads, and then there is only the second.
    private static IEnumerable<IGemm> OneDnnGemms(OneDnnLibrary oneDnn)
    {
        int[] threads = oneDnn.FixedThreads is { } n ? [n] : WorkerPool.Threads > 1 ? [1, WorkerPool.Threads] : [1];
        return threads.Select(t => new ParallelGemm(new OneDnnGemm(oneDnn, t), split: t == 1));
    }

    /// <summary>
    /// The fastest native backend here: MKL, OpenBLAS and oneDNN (whichever load; oneDNN for Float32 only, with
    /// the managed GEMM for Float64 when it is the only one), each GEMM shape served by the provider measured
    /// fastest for it on first use; null when none loads. Its results may differ in the
    /// last bits from run to run of the process if the measured choice differs; use <see cref="CreateMkl"/>
    /// for reproducibility.
    /// </summary>
    public static CpuBackend? CreateFastestNative()
    {
        var providers = NativeGemmProviders();
        if (providers.Count > 0 && !providers.Any(p => p.ServesFloat64))
        {
            providers = [.. providers, new ParallelGemm(new ManagedGemm())];
        }
        return providers.Count switch
        {
            0 => null,
            1 => new CpuBackend(providers[0]),
            _ => new CpuBackend(new MeasuredGemm(providers)),
        };
    }

    /// <summary>
    /// The native GEMM providers that load here, each wrapped as the backends use it (MKL split by FuncNet,
    /// OpenBLAS and oneDNN threading themselves): what <see cref="CreateFastestNative"/> measures, and what
    /// <c>funcnet bench --gemm-providers</c> times one by one.
    /// </summary>
    internal static IReadOnlyList<IGemm> NativeGemmProviders()
    {
        var providers = new List<IGemm>();
        var mkl = MklLibrary.Load().Library;
        if (mkl is not null) { providers.Add(MklGemm(mkl)); }
        // In MKL's reproducible mode a measured (so possibly varying) choice would defeat the purpose: MKL alone.
        if (mkl is { Reproducible: true }) { return providers; }
        if (OpenBlasLibrary.Load().Blas is { } openBlas) { providers.Add(OpenBlasGemm(openBlas)); }
        if (OneDnnLibrary.Load().Library is { } oneDnn) { providers.AddRange(OneDnnGemms(oneDnn)); }
        return providers;
    }

    /// <summary>The OpenBLAS backend; throws a <see cref="BackendUnavailableException"/> naming the paths tried when OpenBLAS does not load.</summary>
    public static CpuBackend CreateOpenBlas()
    {
        var (blas, error) = OpenBlasLibrary.Load();
        return blas is null ? throw new BackendUnavailableException(error) : new CpuBackend(OpenBlasGemm(blas));
    }

    /// <summary>True when oneDNN loads on this machine (its GEMM then joins <see cref="CreateFastestNative"/>'s choice).</summary>
    public static bool OneDnnAvailable => OneDnnLibrary.Load().Library is not null;

    /// <summary>True when Intel MKL loads on this machine.</summary>
    public static bool MklAvailable => MklLibrary.Load().Library is not null;

    /// <inheritdoc />
    public string Name => _gemm.Name;

    /// <summary>True: fused elementwise groups run as single generated kernels.</summary>
    public bool FusesElementwise => true;

    /// <summary>For a backend that measures its GEMM providers: which one serves each shape so far (empty otherwise).</summary>
    public IReadOnlyDictionary<string, string> GemmChoices =>
        _gemm is MeasuredGemm measured ? measured.Choices : new Dictionary<string, string>();

    /// <inheritdoc />
    public long LiveTensors => Interlocked.Read(ref _live);

    /// <summary>How many bytes of released host arrays the backend keeps for reuse unless told otherwise: 256 MiB.</summary>
    public const long DefaultPoolLimitBytes = 256L << 20;

    /// <summary>
    /// The most bytes of released arrays kept for reuse (default <see cref="DefaultPoolLimitBytes"/>). Beyond it
    /// the longest-idle arrays go back to the garbage collector; lowering it releases the excess at once, 0 pools nothing.
    /// </summary>
    public long PoolLimitBytes
    {
        get => _pool.LimitBytes;
        set
        {
            if (value < 0)
            {
                throw new FuncNetException($"CpuBackend.PoolLimitBytes: expected a number of bytes ≥ 0; given {value}.");
            }
            _pool.LimitBytes = value;
        }
    }

    /// <summary>Bytes of released arrays the backend holds for reuse right now (at most <see cref="PoolLimitBytes"/>).</summary>
    public long PooledBytes => _pool.IdleBytes;

    internal void OnCreated() => Interlocked.Increment(ref _live);

    internal void OnReleased(CpuTensor tensor, bool pooled)
    {
        Interlocked.Decrement(ref _live);
        if (pooled)
        {
            _pool.Return(tensor.DType, tensor.Data);
        }
    }

    /// <inheritdoc />
    public DeviceTensor Allocate(Shape shape, DType dtype) => new CpuTensor(this, shape, dtype, _pool.Rent(dtype, shape.Size), pooled: true);

    /// <inheritdoc />
    public void CopyIn(Tensor source, DeviceTensor target) => HostStorage.CopyIn(source, Own(target));

    /// <inheritdoc />
    public Tensor Download(DeviceTensor value) => HostStorage.Download(value, Own(value));

    /// <inheritdoc />
    public void Copy(DeviceTensor source, DeviceTensor target) => HostStorage.Copy(Own(source), Own(target), source.Shape.Size);

    private CpuTensor Own(DeviceTensor value) => DeviceTensor.Require<CpuTensor>(value, Name);

    /// <inheritdoc />
    public DeviceTensor? View(DeviceTensor value, Shape shape)
    {
        var t = Own(value);
        return new CpuTensor(this, shape, t.DType, t.Data, pooled: false);
    }

    /// <inheritdoc />
    public IKernel Prepare(Expr node, IReadOnlyList<Shape> inputShapes, Shape shape, DType dtype)
    {
        ArgumentNullException.ThrowIfNull(node);
        var inputDTypes = node.Inputs.Select(i => i.DType).ToArray();
        var kind = node.Op.Lower(inputShapes, inputDTypes, shape, dtype);
        var float32 = dtype == DType.Float32 && inputDTypes.All(d => d == DType.Float32);
        var kernel = kind switch
        {
            // Kinds that read Int32 indices or keys beside (or instead of) values: typed by their output alone.
            GatherKind g => GatherKernel.For(g, dtype),
            RandomKind r => new RandomKernel(r, dtype),
            ConvolutionKind or PoolingKind when _oneDnnConvolutions && float32 => OneDnnConvolutionKernels.TryCreate(kind) ?? Typed(kind, inputShapes, shape, dtype, inputDTypes),
            PoolingKind p when float32 && MaxPool2x2GradientKernel.Serves(p) => new MaxPool2x2GradientKernel(p),
            _ => Typed(kind, inputShapes, shape, dtype, inputDTypes),
        };
        // Everything without a specialization runs its reference kernel on the same host arrays.
        return kernel ?? new ReferenceBackend.ReferenceKernel(node.Op, shape, dtype);
    }

    /// <summary>The managed or GEMM-backed kernel for a kind whose inputs and output share one float type, or null.</summary>
    private IKernel? Typed(KernelKind kind, IReadOnlyList<Shape> inputShapes, Shape shape, DType dtype, DType[] inputDTypes) => dtype switch
    {
        DType.Float32 when inputDTypes.All(d => d == DType.Float32) => CpuKernels<float>.Prepare(_gemm, kind, inputShapes, shape),
        DType.Float64 when inputDTypes.All(d => d == DType.Float64) => CpuKernels<double>.Prepare(_gemm, kind, inputShapes, shape),
        _ => null,
    };

    /// <summary>Drops pooled arrays.</summary>
    public void Dispose() => _pool.Clear();
}
