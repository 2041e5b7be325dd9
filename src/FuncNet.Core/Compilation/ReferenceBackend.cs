namespace FuncNet;

/// <summary>
/// The oracle: runs each op's reference kernel (plain managed loops over host tensors). Slow and obviously
/// correct; every other backend is tested against it.
/// </summary>
public sealed class ReferenceBackend : IBackend
{
    private long _live;

    /// <summary>A process-wide instance (the backend holds no state but its counter).</summary>
    public static ReferenceBackend Instance { get; } = new();

    /// <inheritdoc />
    public string Name => "reference";

    /// <inheritdoc />
    public long LiveTensors => Interlocked.Read(ref _live);

    /// <inheritdoc />
    public DeviceTensor Upload(Tensor value) => new HostTensor(this, value);

    /// <inheritdoc />
    public Tensor Download(DeviceTensor value) => ((HostTensor)value).Value;

    /// <inheritdoc />
    public DeviceTensor Execute(Expr node, IReadOnlyList<DeviceTensor> inputs, Shape shape, DType dtype)
    {
        var values = inputs.Select(i => ((HostTensor)i).Value).ToArray();
        return new HostTensor(this, node.Op.Reference(values, shape, dtype));
    }

    /// <inheritdoc />
    public DeviceTensor? View(DeviceTensor value, Shape shape) => new HostTensor(this, ((HostTensor)value).Value.Reshape(shape));

    /// <summary>Nothing to release.</summary>
    public void Dispose() { }

    private sealed class HostTensor : DeviceTensor
    {
        private readonly ReferenceBackend _owner;

        public HostTensor(ReferenceBackend owner, Tensor value) : base(value.Shape, value.DType)
        {
            _owner = owner;
            Value = value;
            Interlocked.Increment(ref owner._live);
        }

        public Tensor Value { get; }

        protected override void Release() => Interlocked.Decrement(ref _owner._live);
    }
}
