namespace FuncNet.Data;

/// <summary>
/// Which examples make up each mini-batch of each epoch: every epoch is a seeded shuffle of 0..count−1 (epoch e
/// shuffles the order of epoch e − 1, starting from 0..count−1, with one <see cref="System.Random"/> of the seed), cut
/// into batches of <see cref="BatchSize"/>; the last, partial batch is kept or dropped. Epoch e's batches
/// depend only on the seed and e, so a run resumed at epoch e sees what an uninterrupted run would.
/// </summary>
public sealed class BatchOrder
{
    private readonly Random _random;
    private int[] _order;
    private int _epoch;

    /// <summary>Batches of <paramref name="batchSize"/> over <paramref name="count"/> examples, shuffled with <paramref name="seed"/>.</summary>
    public BatchOrder(int count, int batchSize, int seed, bool dropLast)
    {
        if (count <= 0 || batchSize <= 0 || (dropLast && batchSize > count))
        {
            throw new FuncNetException($"BatchOrder: expected a positive count and batch size{(dropLast ? " no larger than the count (the only batch would be dropped)" : "")}; given {count} examples, batch size {batchSize}.");
        }
        (Count, BatchSize, Seed, DropLast) = (count, batchSize, seed, dropLast);
        _random = new Random(seed);
        _order = Enumerable.Range(0, count).ToArray();
    }

    /// <summary>The number of examples.</summary>
    public int Count { get; }

    /// <summary>The rows of a full batch.</summary>
    public int BatchSize { get; }

    /// <summary>The shuffle's seed.</summary>
    public int Seed { get; }

    /// <summary>True when a last batch smaller than <see cref="BatchSize"/> is left out.</summary>
    public bool DropLast { get; }

    /// <summary>Batches in one epoch.</summary>
    public int BatchesPerEpoch => DropLast ? Count / BatchSize : (Count + BatchSize - 1) / BatchSize;

    /// <summary>
    /// The batches of epoch <paramref name="epoch"/> (counting from 1), each an array of example indices. Asking
    /// for an earlier epoch than the last one asked replays the shuffles from the start.
    /// </summary>
    public IReadOnlyList<int[]> Epoch(int epoch)
    {
        if (epoch < 1)
        {
            throw new FuncNetException($"BatchOrder.Epoch: expected an epoch number from 1; given {epoch}.");
        }
        var order = Order(epoch);
        return Enumerable.Range(0, BatchesPerEpoch)
            .Select(k => order.AsSpan(k * BatchSize, Math.Min(BatchSize, Count - k * BatchSize)).ToArray())
            .ToArray();
    }

    /// <summary>The shuffled order of <paramref name="epoch"/>, advancing (or restarting) the one random stream.</summary>
    private int[] Order(int epoch)
    {
        lock (_random)
        {
            if (epoch < _epoch)
            {
                return new BatchOrder(Count, BatchSize, Seed, DropLast).Order(epoch);
            }
            for (; _epoch < epoch; _epoch++) { _random.Shuffle(_order); }
            return _order.ToArray();
        }
    }
}
