namespace FuncNet;

/// <summary>
/// Collective communication among the workers (ranks) of a data-parallel job, the few operations
/// data-parallel training needs: allreduce, broadcast, barrier. Every rank calls the same operations in
/// the same order with buffers of the same length; each call returns once this rank's part is done.
/// Implementations: <see cref="SingleProcessCollective"/> (one rank, every operation a no-op) and the
/// Open MPI one in FuncNet.Backends (<c>Collectives.FromEnvironment()</c> picks one at start-up). The
/// buffers are host memory; docs/distributed.md says how an NCCL implementation on GPU buffers fits.
/// </summary>
public interface ICollective : IDisposable
{
    /// <summary>What carries the operations, for messages: <c>single-process</c>, <c>mpi</c>.</summary>
    string Name { get; }

    /// <summary>This worker's index, 0 ≤ Rank &lt; Size; rank 0 is the one that logs and saves.</summary>
    int Rank { get; }

    /// <summary>The number of workers.</summary>
    int Size { get; }

    /// <summary>Replaces <paramref name="values"/> on every rank by the elementwise sum over all ranks.</summary>
    void AllReduceSum(Span<float> values);

    /// <summary>Replaces <paramref name="values"/> on every rank by the elementwise sum over all ranks.</summary>
    void AllReduceSum(Span<double> values);

    /// <summary>Copies <paramref name="values"/> of rank <paramref name="root"/> into every other rank's buffer.</summary>
    void Broadcast(Span<byte> values, int root);

    /// <summary>Copies <paramref name="values"/> of rank <paramref name="root"/> into every other rank's buffer.</summary>
    void Broadcast(Span<float> values, int root);

    /// <summary>Copies <paramref name="values"/> of rank <paramref name="root"/> into every other rank's buffer.</summary>
    void Broadcast(Span<double> values, int root);

    /// <summary>Returns once every rank has called it.</summary>
    void Barrier();

    /// <summary>
    /// Ends every rank's process with <paramref name="exitCode"/>: for an error on one rank, which would
    /// otherwise leave the others waiting in their next collective forever. Does not return.
    /// </summary>
    void Abort(int exitCode);
}
