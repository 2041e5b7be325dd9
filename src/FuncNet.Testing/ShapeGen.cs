using FsCheck;
using FsCheck.Fluent;

namespace FuncNet.Testing;

/// <summary>
/// FsCheck generators and arbitraries of shapes: plain shapes, broadcast-compatible pairs, and shapes with an
/// unknown batch dimension. Every shrink is a valid value of the same kind (fewer axes, smaller dimensions),
/// so a failing property shrinks to a small, still meaningful case.
/// </summary>
public static class ShapeGen
{
    /// <summary>Shapes of rank 0 to <paramref name="maxRank"/>, each dimension 1 to <paramref name="maxDim"/>.</summary>
    public static Gen<Shape> Shapes(int maxRank, int maxDim)
    {
        Require(maxRank, maxDim);
        return Gen.Choose(0, maxRank).SelectMany(rank => Gen.Choose(1, maxDim).ArrayOf(rank)).Select(dims => new Shape(dims));
    }

    /// <summary><see cref="Shapes"/> with shrinking towards fewer axes and smaller dimensions.</summary>
    public static Arbitrary<Shape> ShapeArbitrary(int maxRank, int maxDim) => Arb.From(Shapes(maxRank, maxDim), Shrink);

    /// <summary>Smaller shapes: each axis dropped, then each dimension above 1 halved and set to 1.</summary>
    public static IEnumerable<Shape> Shrink(Shape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var dims = shape.ToArray();
        for (var axis = 0; axis < dims.Length; axis++)
        {
            yield return new Shape(dims.Where((_, i) => i != axis).ToArray());
        }
        for (var axis = 0; axis < dims.Length; axis++)
        {
            if (dims[axis] > 1)
            {
                foreach (var smaller in new[] { 1, dims[axis] / 2 }.Distinct().Where(d => d >= 1 && d < dims[axis]))
                {
                    var copy = (int[])dims.Clone();
                    copy[axis] = smaller;
                    yield return new Shape(copy);
                }
            }
        }
    }

    /// <summary>
    /// Pairs that broadcast: one shape of rank ≤ <paramref name="maxRank"/>, the other a suffix of it (fewer
    /// leading axes) with some dimensions set to 1, in either order, and sometimes ones on both sides.
    /// </summary>
    public static Gen<BroadcastPair> BroadcastPairs(int maxRank, int maxDim) =>
        from full in Shapes(maxRank, maxDim)
        from dropped in Gen.Choose(0, full.Rank)
        from onesRight in Gen.Choose(0, 3).ArrayOf(full.Rank)
        from onesLeft in Gen.Choose(0, 5).ArrayOf(full.Rank)
        from swap in Gen.Elements(false, true)
        select MakePair(full.ToArray(), dropped, onesRight, onesLeft, swap);

    /// <summary><see cref="BroadcastPairs"/> with shrinking that keeps both shapes compatible.</summary>
    public static Arbitrary<BroadcastPair> BroadcastPairArbitrary(int maxRank, int maxDim) => Arb.From(BroadcastPairs(maxRank, maxDim), Shrink);

    /// <summary>
    /// Smaller compatible pairs: an aligned (right-justified) axis removed from both shapes where both have it,
    /// or set to 1 in both.
    /// </summary>
    public static IEnumerable<BroadcastPair> Shrink(BroadcastPair pair)
    {
        ArgumentNullException.ThrowIfNull(pair);
        var left = pair.Left.ToArray();
        var right = pair.Right.ToArray();
        var common = Math.Min(left.Length, right.Length);
        for (var k = 1; k <= common; k++)
        {
            yield return new BroadcastPair(new Shape(RemoveFromEnd(left, k)), new Shape(RemoveFromEnd(right, k)));
        }
        for (var k = 1; k <= common; k++)
        {
            if (left[^k] != 1 || right[^k] != 1)
            {
                yield return new BroadcastPair(new Shape(SetFromEnd(left, k, 1)), new Shape(SetFromEnd(right, k, 1)));
            }
        }
        if (left.Length > right.Length)
        {
            yield return new BroadcastPair(new Shape(left[1..]), pair.Right);
        }
        else if (right.Length > left.Length)
        {
            yield return new BroadcastPair(pair.Left, new Shape(right[1..]));
        }
    }

    /// <summary>
    /// A placeholder shape with an unknown batch dimension (−1 first, then rank ≤ <paramref name="maxRank"/> − 1
    /// known dimensions ≤ <paramref name="maxDim"/>) and a fitting value shape with a batch of 1 to <paramref name="maxBatch"/>.
    /// </summary>
    public static Gen<BatchedShape> BatchedShapes(int maxRank, int maxDim, int maxBatch)
    {
        if (maxRank < 1 || maxBatch < 1)
        {
            throw new FuncNetException($"ShapeGen.BatchedShapes: expected maxRank ≥ 1 (the batch axis) and maxBatch ≥ 1; given maxRank {maxRank}, maxBatch {maxBatch}.");
        }
        return from rest in Shapes(maxRank - 1, maxDim)
               from batch in Gen.Choose(1, maxBatch)
               select new BatchedShape(new Shape([Shape.Unknown, .. rest]), new Shape([batch, .. rest]));
    }

    /// <summary><see cref="BatchedShapes"/> with shrinking: smaller batches, then smaller trailing shapes.</summary>
    public static Arbitrary<BatchedShape> BatchedShapeArbitrary(int maxRank, int maxDim, int maxBatch) =>
        Arb.From(BatchedShapes(maxRank, maxDim, maxBatch), Shrink);

    /// <summary>Smaller batched shapes: batch 1 and half the batch, then each shrink of the known dimensions.</summary>
    public static IEnumerable<BatchedShape> Shrink(BatchedShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var batch = shape.Actual[0];
        int[] rest = shape.Actual.ToArray()[1..];
        foreach (var smaller in new[] { 1, batch / 2 }.Distinct().Where(b => b >= 1 && b < batch))
        {
            yield return new BatchedShape(shape.Declared, new Shape([smaller, .. rest]));
        }
        foreach (var r in Shrink(new Shape(rest)))
        {
            yield return new BatchedShape(new Shape([Shape.Unknown, .. r]), new Shape([batch, .. r]));
        }
    }

    private static BroadcastPair MakePair(int[] full, int dropped, int[] onesRight, int[] onesLeft, bool swap)
    {
        var right = full[dropped..];
        for (var i = 0; i < right.Length; i++)
        {
            if (onesRight[i] == 0) { right[i] = 1; }
        }
        var left = (int[])full.Clone();
        for (var i = 0; i < right.Length; i++)
        {
            // Every aligned pair is then (d, d), (1, d), (d, 1) or (1, 1): ones on both sides stay compatible.
            if (onesLeft[i] == 0) { left[dropped + i] = 1; }
        }
        return swap ? new BroadcastPair(new Shape(right), new Shape(left)) : new BroadcastPair(new Shape(left), new Shape(right));
    }

    private static int[] RemoveFromEnd(int[] dims, int k) => dims.Where((_, i) => i != dims.Length - k).ToArray();

    private static int[] SetFromEnd(int[] dims, int k, int value)
    {
        var copy = (int[])dims.Clone();
        copy[^k] = value;
        return copy;
    }

    private static void Require(int maxRank, int maxDim)
    {
        if (maxRank < 0 || maxDim < 1)
        {
            throw new FuncNetException($"ShapeGen: expected maxRank ≥ 0 and maxDim ≥ 1; given maxRank {maxRank}, maxDim {maxDim}.");
        }
    }
}
