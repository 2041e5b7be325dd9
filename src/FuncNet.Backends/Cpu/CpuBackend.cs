using System.Numerics;
using FuncNet.Backends.Cpu.Mkl;

namespace FuncNet.Backends.Cpu;

/// <summary>
/// The CPU backend: GEMM through Intel MKL when it loads (else a blocked managed SIMD GEMM), fused
/// elementwise maps compiled to SIMD kernels from their scalar formulas, SIMD reductions and softmax.
/// Ops without a specialized kernel run their reference kernel on the same host arrays. Values are pooled
/// host arrays, so a plan run repeatedly with the same shapes stops allocating after the first run.
/// </summary>
public sealed class CpuBackend : IBackend
{
    private readonly BufferPool _pool = new();
    private readonly IGemm _gemm;
    private long _live;

    private CpuBackend(IGemm gemm) => _gemm = new ParallelGemm(gemm);

    /// <summary>The managed backend: no native code at all (the embedded default of a fresh machine).</summary>
    public static CpuBackend CreateManaged() => new(new ManagedGemm());

    /// <summary>The MKL backend; throws a <see cref="BackendUnavailableException"/> naming the paths tried when MKL does not load.</summary>
    public static CpuBackend CreateMkl()
    {
        var (mkl, error) = MklLibrary.Load();
        return mkl is null ? throw new BackendUnavailableException(error) : new CpuBackend(new MklGemm(mkl));
    }

    /// <summary>True when Intel MKL loads on this machine.</summary>
    public static bool MklAvailable => MklLibrary.Load().Library is not null;

    /// <inheritdoc />
    public string Name => _gemm.Name;

    /// <inheritdoc />
    public long LiveTensors => Interlocked.Read(ref _live);

    internal void OnCreated() => Interlocked.Increment(ref _live);

    internal void OnReleased(CpuTensor tensor, bool pooled)
    {
        Interlocked.Decrement(ref _live);
        if (pooled)
        {
            _pool.Return(tensor.DType, tensor.Data);
        }
    }

    /// <summary>A new pooled value of the given shape; its contents are undefined until written.</summary>
    internal CpuTensor Allocate(Shape shape, DType dtype) => new(this, shape, dtype, _pool.Rent(dtype, shape.Size), pooled: true);

    /// <inheritdoc />
    public DeviceTensor Upload(Tensor value)
    {
        // Tensors are immutable and kernels never write their inputs, so the host array is shared, not copied.
        ArgumentNullException.ThrowIfNull(value);
        return new CpuTensor(this, value.Shape, value.DType, value.Data, pooled: false);
    }

    /// <inheritdoc />
    public DeviceTensor? View(DeviceTensor value, Shape shape)
    {
        var t = (CpuTensor)value;
        return new CpuTensor(this, shape, t.DType, t.Data, pooled: false);
    }

    /// <inheritdoc />
    public Tensor Download(DeviceTensor value)
    {
        var t = (CpuTensor)value;
        var copy = (Array)t.Data.Clone();
        return Tensor.Wrap(t.Shape, t.DType, copy);
    }

    /// <inheritdoc />
    public DeviceTensor Execute(Expr node, IReadOnlyList<DeviceTensor> inputs, Shape shape, DType dtype)
    {
        var args = new CpuTensor[inputs.Count];
        for (var i = 0; i < args.Length; i++) { args[i] = (CpuTensor)inputs[i]; }
        var result = dtype switch
        {
            DType.Float32 when args.All(a => a.DType == DType.Float32) => CpuKernels<float>.TryRun(this, _gemm, node.Op, args, shape),
            DType.Float64 when args.All(a => a.DType == DType.Float64) => CpuKernels<double>.TryRun(this, _gemm, node.Op, args, shape),
            _ => null,
        };
        return result ?? RunReference(node.Op, args, shape, dtype);
    }

    /// <summary>The op's reference kernel on the same arrays: correct for every op, fast for none.</summary>
    private CpuTensor RunReference(Op op, CpuTensor[] args, Shape shape, DType dtype)
    {
        var values = args.Select(a => Tensor.Wrap(a.Shape, a.DType, a.Data)).ToArray();
        var result = op.Reference(values, shape, dtype);
        return new CpuTensor(this, result.Shape, result.DType, result.Data, pooled: false);
    }

    /// <summary>Drops pooled arrays.</summary>
    public void Dispose() => _pool.Clear();
}
