namespace FuncNet.Lowering;

/// <summary>
/// Softmax or log-softmax of each of <see cref="Rows"/> contiguous rows of <see cref="Length"/> elements,
/// stable: the row maximum is subtracted first, and log-softmax is (x − max) − log Σ exp(x − max).
/// </summary>
/// <param name="Rows">How many rows.</param>
/// <param name="Length">Elements per row (the last axis).</param>
/// <param name="Log">True for log-softmax.</param>
internal sealed record RowSoftmaxKind(int Rows, int Length, bool Log) : KernelKind
{
    /// <summary>Along <paramref name="axis"/> of <paramref name="x"/>: rows when it is the last axis, else reference-only.</summary>
    public static KernelKind Along(Shape x, int axis, bool log)
    {
        if (x.Rank > 0 && axis != x.Rank - 1)
        {
            return new ReferenceOnlyKind("a softmax along an axis other than the last");
        }
        var length = x.Rank == 0 ? 1 : x[-1];
        return new RowSoftmaxKind(x.Size / Math.Max(1, length), length, log);
    }

    /// <inheritdoc />
    public override string Describe() => $"{(Log ? "log-softmax" : "softmax")} of {Rows} rows × {Length}";
}
