using FuncNet.Compilation;

namespace FuncNet;

/// <summary>
/// The oracle: runs each op's reference kernel (plain managed loops over host arrays). Slow and obviously
/// correct; every other backend is tested against it.
/// </summary>
public sealed class ReferenceBackend : IBackend
{
    private long _live;

    /// <summary>A process-wide instance (the backend holds no state but its counter).</summary>
    public static ReferenceBackend Instance { get; } = new();

    /// <inheritdoc />
    public string Name => "reference";

    /// <summary>False: the oracle runs the graph op by op, as written, so that every fusion is checked against it.</summary>
    public bool FusesElementwise => false;

    /// <inheritdoc />
    public long LiveTensors => Interlocked.Read(ref _live);

    /// <inheritdoc />
    public DeviceTensor Allocate(Shape shape, DType dtype) => new HostTensor(this, shape, dtype, Tensor.Zeros(shape, dtype).Data);

    /// <inheritdoc />
    public void CopyIn(Tensor source, DeviceTensor target) => HostStorage.CopyIn(source, Own(target));

    /// <inheritdoc />
    public Tensor Download(DeviceTensor value) => HostStorage.Download(value, Own(value));

    /// <inheritdoc />
    public void Copy(DeviceTensor source, DeviceTensor target) => HostStorage.Copy(Own(source), Own(target), source.Shape.Size);

    /// <inheritdoc />
    public DeviceTensor? View(DeviceTensor value, Shape shape) => new HostTensor(this, shape, value.DType, Own(value).Data);

    private HostTensor Own(DeviceTensor value) => DeviceTensor.Require<HostTensor>(value, Name);

    /// <inheritdoc />
    public IKernel Prepare(Expr node, IReadOnlyList<Shape> inputShapes, Shape shape, DType dtype) => new ReferenceKernel(node.Op, shape, dtype);

    /// <summary>Nothing to release.</summary>
    public void Dispose() { }

    /// <summary>Runs an op's reference kernel over host arrays: the fallback of every backend that keeps values in host memory.</summary>
    internal sealed class ReferenceKernel(Op op, Shape shape, DType dtype) : IKernel
    {
        /// <inheritdoc />
        public void Run(DeviceTensor[] inputs, DeviceTensor output)
        {
            var values = new Tensor[inputs.Length];
            for (var i = 0; i < values.Length; i++) { values[i] = Tensor.Wrap(inputs[i].Shape, inputs[i].DType, HostData(inputs[i])); }
            var result = op.Reference(values, shape, dtype);
            Array.Copy(result.Data, HostData(output), result.Size);
        }
    }

    /// <summary>The host array behind a value of any host-memory backend.</summary>
    internal static Array HostData(DeviceTensor value) => value is IHostStorage h ? h.Data : throw new FuncNetException(
        $"The reference kernel needs host memory, but a {value.GetType().Name} lives elsewhere.");

    private sealed class HostTensor : DeviceTensor, IHostStorage
    {
        private readonly ReferenceBackend _owner;

        public HostTensor(ReferenceBackend owner, Shape shape, DType dtype, Array data) : base(shape, dtype)
        {
            _owner = owner;
            Data = data;
            Interlocked.Increment(ref owner._live);
        }

        public Array Data { get; }

        protected override void Release() => Interlocked.Decrement(ref _owner._live);
    }
}
