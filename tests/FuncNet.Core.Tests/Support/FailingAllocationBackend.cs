namespace FuncNet.Tests.Support;

/// <summary>
/// The Reference backend with a memory that runs out on demand: the <see cref="FailAt"/>-th allocation from
/// now throws <see cref="OutOfMemoryException"/>, as the runtime does when host memory is exhausted. Its own
/// live-tensor counter shows what a failed run left behind.
/// </summary>
internal sealed class FailingAllocationBackend : IBackend
{
    private readonly ReferenceBackend _storage = new();

    /// <summary>Which allocation from now fails (1: the next one); 0 lets every allocation succeed.</summary>
    public int FailAt { get; set; }

    /// <summary>Allocations made so far (failed ones included).</summary>
    public int Allocations { get; private set; }

    public string Name => "failing-allocation";

    public bool FusesElementwise => true;

    public long LiveTensors => _storage.LiveTensors;

    public DeviceTensor Allocate(Shape shape, DType dtype)
    {
        Allocations++;
        if (FailAt > 0 && --FailAt == 0)
        {
            throw new OutOfMemoryException("Insufficient memory to continue the execution of the program.");
        }
        return _storage.Allocate(shape, dtype);
    }

    public void CopyIn(Tensor source, DeviceTensor target) => _storage.CopyIn(source, target);

    public Tensor Download(DeviceTensor value) => _storage.Download(value);

    public void Copy(DeviceTensor source, DeviceTensor target) => _storage.Copy(source, target);

    public DeviceTensor? View(DeviceTensor value, Shape shape) => _storage.View(value, shape);

    public IKernel Prepare(Expr node, IReadOnlyList<Shape> inputShapes, Shape shape, DType dtype) => _storage.Prepare(node, inputShapes, shape, dtype);

    public void Dispose() { }
}
