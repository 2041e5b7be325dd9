namespace FuncNet;

/// <summary>
/// The contract between a compiled <see cref="Plan"/> and the machine that runs it. A backend owns storage
/// (<see cref="Allocate"/>, copies in and out, views) and prepares one kernel per scheduled node once the
/// shapes are known; running a plan is then only kernel launches over storage planned in advance. The
/// Reference backend prepares each op's reference kernel; faster backends specialize the ops they can
/// (GEMM, fused elementwise maps, reductions, softmax) and may fall back to the reference kernel for the
/// rest. Every backend must agree with the Reference backend on the conformance suite.
/// </summary>
public interface IBackend : IDisposable
{
    /// <summary>A short name for messages and benchmarks, e.g. <c>reference</c>.</summary>
    string Name { get; }

    /// <summary>The number of storage handles (values and views) alive on this backend: leak tests read it.</summary>
    long LiveTensors { get; }

    /// <summary>New storage of the given shape and dtype; its contents are undefined until written.</summary>
    DeviceTensor Allocate(Shape shape, DType dtype);

    /// <summary>Copies a host tensor into storage of the same size and dtype.</summary>
    void CopyIn(Tensor source, DeviceTensor target);

    /// <summary>Copies a backend value to a new host tensor.</summary>
    Tensor Download(DeviceTensor value);

    /// <summary>Copies one backend value into another of the same size and dtype.</summary>
    void Copy(DeviceTensor source, DeviceTensor target);

    /// <summary>
    /// True when plans for this backend fuse groups of elementwise nodes into single kernels (so
    /// <see cref="Prepare"/> must accept fused nodes); false for a backend that runs the graph op by op, as
    /// written, as the Reference backend does, being the oracle.
    /// </summary>
    bool FusesElementwise { get; }

    /// <summary>
    /// A handle with another shape of the same size sharing <paramref name="value"/>'s storage (a reshape
    /// without a copy), or null when the backend cannot alias. Disposing a view frees no storage.
    /// </summary>
    DeviceTensor? View(DeviceTensor value, Shape shape);

    /// <summary>
    /// The kernel computing <paramref name="node"/>'s op for inputs of the given concrete shapes into an
    /// output of <paramref name="shape"/> and <paramref name="dtype"/> (the node's own shape may have
    /// unknown dimensions; these are resolved). Prepared once per plan specialization and run many times.
    /// </summary>
    IKernel Prepare(Expr node, IReadOnlyList<Shape> inputShapes, Shape shape, DType dtype);

    /// <summary>
    /// Waits until all work enqueued on the backend has finished, surfacing any failure. Backends that run
    /// each call to completion (the CPU ones) have nothing to wait for.
    /// </summary>
    void Synchronize() { }

    /// <summary>Allocates storage and copies a host tensor into it.</summary>
    DeviceTensor Upload(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var target = Allocate(value.Shape, value.DType);
        try
        {
            CopyIn(value, target);
        }
        catch
        {
            target.Dispose();
            throw;
        }
        return target;
    }
}

/// <summary>A prepared kernel: reads its inputs and writes its whole output, which never aliases an input.</summary>
public interface IKernel
{
    /// <summary>Runs the kernel.</summary>
    void Run(DeviceTensor[] inputs, DeviceTensor output);
}
