using FuncNet.Tensors;

namespace FuncNet.Expressions;

/// <summary>
/// The helpers that ops' batching rules (<see cref="Op.Batch"/>) share: aligning batched inputs, adding a
/// batch axis, shifting axis attributes past it. The walk that calls those rules is vmap, a transformation
/// (<c>Transforms/Vmap.cs</c>); the rules and these helpers stay with the ops, in the op catalogue's layer.
/// </summary>
internal static class Batching
{
    /// <summary>
    /// Inserts length-1 axes right after the batch axis of each batched input so that it has rank
    /// <paramref name="rank"/> + 1; unbatched inputs already line up at the right (numpy broadcasting).
    /// </summary>
    public static Expr[] AlignBatched(IReadOnlyList<Expr> inputs, IReadOnlyList<bool> batched, int rank)
    {
        var result = new Expr[inputs.Count];
        for (var i = 0; i < inputs.Count; i++)
        {
            var missing = rank + 1 - inputs[i].Rank;
            result[i] = batched[i] && missing > 0 ? Ops.ExpandDims(inputs[i], Enumerable.Range(1, missing).ToArray()) : inputs[i];
        }
        return result;
    }

    /// <summary>Every input with a batch axis: unbatched ones are repeated along a new leading axis as long as the first batched one's.</summary>
    public static Expr[] AllBatched(IReadOnlyList<Expr> inputs, IReadOnlyList<bool> batched)
    {
        var reference = inputs[Enumerable.Range(0, inputs.Count).First(i => batched[i])];
        return inputs.Select((x, i) => batched[i] ? x : WithBatch(x, reference)).ToArray();
    }

    /// <summary>
    /// u repeated along a new leading axis as long as <paramref name="reference"/>'s leading axis (which may
    /// be known only at run time): u + zeros of shape [B, 1, …], so it stays differentiable in u.
    /// </summary>
    public static Expr WithBatch(Expr u, Expr reference)
    {
        var lead = reference.Rank == 1 ? reference : Ops.ReduceSum(reference, Enumerable.Range(1, reference.Rank - 1).ToArray());
        var zeros = Ops.BroadcastLike(Expr.Constant(0.0, u.DType), lead);
        var expanded = u.Rank == 0 ? zeros : Ops.ExpandDims(zeros, Enumerable.Range(1, u.Rank).ToArray());
        return Ops.ExpandDims(u, 0) + expanded;
    }

    /// <summary>Axes shifted past the batch axis.</summary>
    public static IntList Shift(IntList axes) => new(axes.Select(a => a + 1));

    /// <summary>Prepends a value to an attribute list (a begin of 0, a size of -1 for the batch axis).</summary>
    public static IntList Prepend(int first, IntList rest) => new([first, .. rest]);
}
