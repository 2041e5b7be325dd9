using FuncNet.Tensors;

namespace FuncNet.Lowering;

/// <summary>
/// out[i₀, …, iₙ] = in[Σ iₐ·Strides[a]]: a transpose or broadcast materialized as one copy. Axes that can be
/// walked as one (contiguous in both) are merged and length-1 axes dropped when the kind is made, so a bias
/// broadcast is (rows, inner) with strides (0, 1) and a full copy is one axis of stride 1.
/// </summary>
/// <param name="Dims">The output's dimensions, merged.</param>
/// <param name="Strides">For each of them, the input's element stride (0 where the input is broadcast).</param>
internal sealed record StridedCopyKind(IntList Dims, IntList Strides) : KernelKind
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

    private static StridedCopyKind Merged(int[] dims, int[] strides)
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
        return new StridedCopyKind(new IntList(d), new IntList(s));
    }

    /// <summary>The number of elements written.</summary>
    public int Size => Dims.Aggregate(1, (p, x) => p * x);

    /// <inheritdoc />
    public override string Describe() => $"strided copy {Dims} by {Strides}";
}
