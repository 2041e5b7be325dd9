namespace FuncNet;

/// <summary>
/// The contract between a compiled <see cref="Plan"/> and the machine that runs it. A backend moves values
/// in and out and executes one scheduled node at a time on values it owns. The Reference backend runs every
/// op's reference kernel; faster backends specialize the ops they can (GEMM, fused elementwise maps,
/// reductions, softmax) and may fall back to the reference kernel for the rest. Every backend must agree
/// with the Reference backend on the conformance suite.
/// </summary>
public interface IBackend : IDisposable
{
    /// <summary>A short name for messages and benchmarks, e.g. <c>reference</c>.</summary>
    string Name { get; }

    /// <summary>Copies a host tensor onto the backend.</summary>
    DeviceTensor Upload(Tensor value);

    /// <summary>Copies a backend value back to the host.</summary>
    Tensor Download(DeviceTensor value);

    /// <summary>
    /// Computes <paramref name="node"/>'s op on its inputs' values, producing a value of the given concrete
    /// shape and dtype (the node's own shape may contain unknown dimensions; these are resolved).
    /// </summary>
    DeviceTensor Execute(Expr node, IReadOnlyList<DeviceTensor> inputs, Shape shape, DType dtype);

    /// <summary>
    /// A value with another shape of the same size sharing <paramref name="value"/>'s storage (a reshape
    /// without a copy), or null when the backend cannot alias. Disposing a view frees nothing; the plan
    /// keeps the underlying value alive while views of it are in use.
    /// </summary>
    DeviceTensor? View(DeviceTensor value, Shape shape);

    /// <summary>The number of values this backend has handed out and not yet seen released (for leak tests).</summary>
    long LiveTensors { get; }
}
