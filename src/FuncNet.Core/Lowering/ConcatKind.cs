using FuncNet.Tensors;

namespace FuncNet.Lowering;

/// <summary>
/// Inputs joined along one axis, seen as Outer rows: output row o is input 0's row o (Blocks[0] elements),
/// then input 1's row o (Blocks[1] elements), and so on, each input dense.
/// </summary>
/// <param name="Outer">The product of the dimensions before the axis.</param>
/// <param name="Blocks">For each input, its length along the axis times the product of the dimensions after it.</param>
internal sealed record ConcatKind(int Outer, IntList Blocks) : KernelKind
{
    /// <summary>The kind of joining <paramref name="inputs"/> along <paramref name="axis"/>.</summary>
    public static ConcatKind Along(IReadOnlyList<Shape> inputs, int axis)
    {
        var first = inputs[0];
        var outer = 1;
        for (var a = 0; a < axis; a++) { outer *= first[a]; }
        return new ConcatKind(outer, new IntList(inputs.Select(s => s.Skip(axis).Aggregate(1, (p, d) => p * d)).ToArray()));
    }

    /// <summary>The length of one output row: the sum of the blocks.</summary>
    public int Row => Blocks.Sum();

    /// <inheritdoc />
    public override string Describe() => $"concat of {Outer} rows of blocks {Blocks}";
}
