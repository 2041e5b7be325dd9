namespace FuncNet.Backends.Distributed;

/// <summary>
/// <see cref="ICollective"/> over Open MPI's <c>MPI_COMM_WORLD</c>, for a process started by <c>mpirun</c>.
/// MPI is initialized on construction and finalized on <see cref="Dispose"/>; both happen once per process.
/// Allreduce and broadcast work in place on the caller's buffer. A rank that dies makes <c>mpirun</c> end the
/// job and name that rank (Open MPI's default error handling), so no call waits forever on a lost peer.
/// </summary>
public sealed class MpiCollective : ICollective
{
    private readonly MpiLibrary _mpi;
    private bool _disposed;

    /// <summary>Loads Open MPI and initializes MPI; throws <see cref="BackendUnavailableException"/> when it does not load.</summary>
    public MpiCollective()
    {
        _mpi = MpiLibrary.Load();
        (Rank, Size) = _mpi.Initialize();
    }

    /// <inheritdoc />
    public string Name => "mpi";

    /// <inheritdoc />
    public int Rank { get; }

    /// <inheritdoc />
    public int Size { get; }

    /// <inheritdoc />
    public void AllReduceSum(Span<float> values) => Use().AllReduceSum(values);

    /// <inheritdoc />
    public void AllReduceSum(Span<double> values) => Use().AllReduceSum(values);

    /// <inheritdoc />
    public void Broadcast(Span<byte> values, int root) => Use(root).Broadcast(values, root);

    /// <inheritdoc />
    public void Broadcast(Span<float> values, int root) => Use(root).Broadcast(values, root);

    /// <inheritdoc />
    public void Broadcast(Span<double> values, int root) => Use(root).Broadcast(values, root);

    /// <inheritdoc />
    public void Barrier() => Use().Barrier();

    /// <inheritdoc />
    public void Abort(int exitCode)
    {
        _mpi.Abort(exitCode);
        // MPI_Abort does not return on Open MPI; should it, still end this process.
        Environment.Exit(exitCode);
    }

    /// <summary>Finalizes MPI (every rank must call it, after its last collective).</summary>
    public void Dispose()
    {
        if (_disposed) { return; }
        _disposed = true;
        _mpi.FinalizeMpi();
    }

    private MpiLibrary Use(int root = 0)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (root < 0 || root >= Size)
        {
            throw new DistributedException($"MPI broadcast: expected a root rank in 0..{Size - 1}; given {root}.");
        }
        return _mpi;
    }
}
