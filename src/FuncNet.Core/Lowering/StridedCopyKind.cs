using FuncNet.Tensors;

namespace FuncNet.Lowering;

/// <summary>
/// out[i₀, …, iₙ] = in[Offset + Σ iₐ·Strides[a]]: a transpose, broadcast or slice materialized as one copy. Axes that can be
/// walked as one (contiguous in both) are merged and length-1 axes dropped when the kind is made, so a bias
/// broadcast is (rows, inner) with strides (0, 1) and a full copy is one axis of stride 1.
/// </summary>
/// <param name="Dims">The output's dimensions, merged.</param>
/// <param name="Strides">For each of them, the input's element stride (0 where the input is broadcast).</param>
/// <param name="Offset">The input element that output element 0 reads (a slice's first corner; 0 otherwise).</param>
internal sealed record StridedCopyKind(IntList Dims, IntList Strides, int Offset = 0) : KernelKind
{
    /// <summary>Output axis a reads input axis <paramref name="permutation"/>[a].</summary>
    public static StridedCopyKind Transpose(Shape input, IReadOnlyList<int> permutation)
    {
        var dense = input.Strides();
        return Merged(permutation.Select(p => input[p]).ToArray(), permutation.Select(p => dense[p]).ToArray());
    }

    /// <summary><paramref name="input"/> broadcast numpy style (aligned at the right) to <paramref name="output"/>.</summary>
    public static StridedCopyKind Broadcast(Shape input, Shape output)
    {
        var dense = input.Strides();
        var off = output.Rank - input.Rank;
        var strides = new int[output.Rank];
        for (var a = off; a < output.Rank; a++)
        {
            strides[a] = input[a - off] == 1 ? 0 : dense[a - off];
        }
        return Merged(output.ToArray(), strides);
    }

    /// <summary>The box of <paramref name="input"/> with corner <paramref name="begin"/> and the extents of <paramref name="output"/>.</summary>
    public static StridedCopyKind Slice(Shape input, IReadOnlyList<int> begin, Shape output)
    {
        var dense = input.Strides();
        var offset = 0;
        for (var a = 0; a < input.Rank; a++) { offset += begin[a] * dense[a]; }
        // An empty box reads nothing, so its corner may sit one past the end: read from 0 instead.
        return Merged(output.ToArray(), dense, output.Size == 0 ? 0 : offset);
    }

    private static StridedCopyKind Merged(int[] dims, int[] strides, int offset = 0)
    {
        var d = new List<int>();
        var s = new List<int>();
        for (var a = 0; a < dims.Length; a++)
        {
            if (dims[a] == 1) { continue; }
            // Axis a continues the previous one when a step along the previous equals a whole run of this one.
            if (d.Count > 0 && s[^1] == strides[a] * dims[a])
            {
                d[^1] *= dims[a];
                s[^1] = strides[a];
                continue;
            }
            d.Add(dims[a]);
            s.Add(strides[a]);
        }
        return new StridedCopyKind(new IntList(d), new IntList(s), offset);
    }

    /// <summary>The number of elements written.</summary>
    public int Size => Dims.Aggregate(1, (p, x) => p * x);

    /// <inheritdoc />
    public override string Describe() => Offset == 0 ? $"strided copy {Dims} by {Strides}" : $"strided copy {Dims} by {Strides} from {Offset}";
}
