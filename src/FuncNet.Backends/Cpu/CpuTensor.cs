using FuncNet.Compilation;

namespace FuncNet.Backends.Cpu;

/// <summary>A CPU backend value: a dense row-major host array, pooled when the backend owns it.</summary>
internal sealed class CpuTensor : DeviceTensor, IHostStorage
{
    private readonly CpuBackend _owner;
    private readonly bool _pooled;

    public CpuTensor(CpuBackend owner, Shape shape, DType dtype, Array data, bool pooled) : base(shape, dtype)
    {
        _owner = owner;
        Data = data;
        _pooled = pooled;
        owner.OnCreated();
    }

    /// <summary>float[], double[] or int[], of exactly Shape.Size elements.</summary>
    public Array Data { get; }

    public T[] As<T>() => (T[])Data;

    protected override void Release() => _owner.OnReleased(this, _pooled);
}
