using FuncNet.Tensors;

namespace FuncNet.Lowering;

/// <summary>
/// A dense block written into zeros at a corner: out[i] = block[i − Begin] inside the box
/// Begin ≤ i &lt; Begin + Block, 0 elsewhere.
/// </summary>
/// <param name="Dims">The output's dimensions.</param>
/// <param name="Begin">The box's first corner.</param>
/// <param name="Block">The block's dimensions (the box's extents).</param>
internal sealed record PadIntoKind(IntList Dims, IntList Begin, IntList Block) : KernelKind
{
    /// <inheritdoc />
    public override string Describe() => $"pad of {Block} into {Dims} at {Begin}";
}
