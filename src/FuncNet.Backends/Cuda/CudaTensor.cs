namespace FuncNet.Backends.Cuda;

/// <summary>
/// A value in GPU memory: a dense row-major block from the backend's caching allocator, or a view sharing
/// another tensor's block. Disposing returns an owned block to the cache (never to the driver directly).
/// </summary>
public sealed class CudaTensor : DeviceTensor
{
    private readonly CudaBackend _owner;
    private readonly long _blockSize;

    internal CudaTensor(CudaBackend owner, Shape shape, DType dtype, ulong pointer, long blockSize) : base(shape, dtype)
    {
        _owner = owner;
        Pointer = pointer;
        _blockSize = blockSize;
        owner.OnCreated();
    }

    /// <summary>The device address of the first element.</summary>
    public ulong Pointer { get; }

    /// <summary>The size of the elements in bytes.</summary>
    public long Bytes => (long)Shape.Size * DType.SizeInBytes();

    /// <summary>True for a view: it frees nothing when disposed.</summary>
    public bool IsView => _blockSize == 0;

    /// <inheritdoc />
    protected override void Release() => _owner.OnReleased(Pointer, _blockSize);
}
