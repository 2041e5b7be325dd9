namespace FuncNet.Lowering;

/// <summary>
/// A sum or max over the middle axis of the input seen as (<see cref="Outer"/>, <see cref="Length"/>,
/// <see cref="Inner"/>), written as (outer, inner). An empty reduction is 0 (sum) or −∞ (max).
/// </summary>
/// <param name="Outer">The product of the axes before the reduced ones.</param>
/// <param name="Length">The product of the reduced (adjacent) axes.</param>
/// <param name="Inner">The product of the axes after them.</param>
/// <param name="Max">True for a maximum (NaN-propagating), false for a sum.</param>
internal sealed record ReductionKind(int Outer, int Length, int Inner, bool Max) : KernelKind
{
    /// <summary>
    /// The reduction of <paramref name="x"/> over <paramref name="axes"/> (sorted; none means a copy), or
    /// a <see cref="SplitReductionKind"/> when they are a leading and a trailing run, else reference-only.
    /// </summary>
    public static KernelKind Over(Shape x, IReadOnlyList<int> axes, bool max)
    {
        for (var i = 1; i < axes.Count; i++)
        {
            if (axes[i] != axes[i - 1] + 1)
            {
                return (KernelKind?)SplitReductionKind.Over(x, axes, max) ?? new ReferenceOnlyKind("a reduction over non-adjacent axes other than a leading and a trailing run");
            }
        }
        int outer = 1, length = 1, inner = 1;
        for (var a = 0; a < x.Rank; a++)
        {
            if (axes.Count == 0 || a < axes[0]) { outer *= x[a]; }
            else if (a <= axes[^1]) { length *= x[a]; }
            else { inner *= x[a]; }
        }
        return new ReductionKind(outer, length, inner, max);
    }

    /// <inheritdoc />
    public override string Describe() => $"{(Max ? "max" : "sum")} over ({Outer}, {Length}, {Inner})";
}
