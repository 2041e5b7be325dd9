
namespace FuncNet.Lowering;

/// <summary>
/// Slices moved along one axis by Int32 indices: a gather (out[b, o, k, i] = x[b, o, index[b, k], i]) or, with
/// <see cref="Scatter"/>, its adjoint scatter-add into zeros. A kernel must call <see cref="CheckIndices"/> (or
/// test each index the same way) before it moves any element, so a bad index is an <see cref="IndexException"/>
/// with the Reference backend's message and never a read or write outside a buffer.
/// </summary>
/// <param name="Geometry">The [batch, outer, length, inner] / [batch, count] layout.</param>
/// <param name="Scatter">True for scatter-add (input 0 the updates, output the target's shape).</param>
/// <param name="Op">The op's name for messages.</param>
/// <param name="Axis">The indexed axis, for messages.</param>
/// <param name="Indexed">The shape of the indexed tensor (x, or the scatter target), for messages.</param>
/// <param name="Indices">The indices' shape, for messages.</param>
internal sealed record GatherKind(GatherGeometry Geometry, bool Scatter, string Op, int Axis, Shape Indexed, Shape Indices) : KernelKind
{
    /// <summary>Throws an <see cref="IndexException"/> naming the first index outside [0, length).</summary>
    public void CheckIndices(ReadOnlySpan<int> indices)
    {
        var length = Geometry.Length;
        for (var k = 0; k < indices.Length; k++)
        {
            if ((uint)indices[k] >= (uint)length)
            {
                throw OutOfRange(k, indices[k]);
            }
        }
    }

    /// <summary>
    /// The error for index <paramref name="index"/> at flat position <paramref name="position"/> of the indices, for
    /// backends that find the bad index on a device and report it later (CUDA) rather than in <see cref="CheckIndices"/>.
    /// </summary>
    public IndexException OutOfRange(int position, int index) => new(
        $"{Op}: index {index} (at flat position {position} of indices of shape {Indices}) is out of range for axis {Axis} of length {Geometry.Length} of x of shape {Indexed}; expected 0 ≤ index < {Geometry.Length}.");

    /// <inheritdoc />
    public override string Describe() =>
        $"{(Scatter ? "scatter-add" : "gather")} [{Geometry.Batch}, {Geometry.Outer}, {Geometry.Length}, {Geometry.Inner}] by {Geometry.Count}";
}
