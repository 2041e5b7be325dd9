namespace FuncNet;

/// <summary>
/// The collective of a job of one worker: rank 0 of 1, where a sum or a broadcast leaves the values as
/// they are. Data-parallel code written against <see cref="ICollective"/> runs unchanged without a launcher.
/// </summary>
public sealed class SingleProcessCollective : ICollective
{
    /// <inheritdoc />
    public string Name => "single-process";

    /// <inheritdoc />
    public int Rank => 0;

    /// <inheritdoc />
    public int Size => 1;

    /// <inheritdoc />
    public void AllReduceSum(Span<float> values) { }

    /// <inheritdoc />
    public void AllReduceSum(Span<double> values) { }

    /// <inheritdoc />
    public void Broadcast(Span<byte> values, int root) => CheckRoot(root);

    /// <inheritdoc />
    public void Broadcast(Span<float> values, int root) => CheckRoot(root);

    /// <inheritdoc />
    public void Broadcast(Span<double> values, int root) => CheckRoot(root);

    /// <inheritdoc />
    public void Barrier() { }

    /// <inheritdoc />
    public void Abort(int exitCode) => Environment.Exit(exitCode);

    /// <summary>Nothing to release.</summary>
    public void Dispose() { }

    private static void CheckRoot(int root)
    {
        if (root != 0)
        {
            throw new DistributedException($"Broadcast: expected root rank 0 of a single-process job (ranks 0..0); given {root}.");
        }
    }
}
