namespace FuncNet.Lowering;

/// <summary>
/// A sum or max over a leading and a trailing run of axes, keeping the axes between them: the input seen as
/// (<see cref="Outer"/>, <see cref="Kept"/>, <see cref="Inner"/>), written as (kept). This is a per-channel
/// bias's gradient, (N, C, H, W) summed to (C, 1, 1), which no single (outer, length, inner) view covers.
/// An empty reduction is 0 (sum) or −∞ (max).
/// </summary>
/// <param name="Outer">The product of the leading reduced axes.</param>
/// <param name="Kept">The product of the kept axes between the runs.</param>
/// <param name="Inner">The product of the trailing reduced axes.</param>
/// <param name="Max">True for a maximum (NaN-propagating), false for a sum.</param>
internal sealed record SplitReductionKind(int Outer, int Kept, int Inner, bool Max) : KernelKind
{
    /// <summary>The kind for <paramref name="axes"/> (sorted) of <paramref name="x"/> when they are exactly axes [0, a) and [b, rank) with 0 &lt; a &lt; b &lt; rank, else null.</summary>
    public static SplitReductionKind? Over(Shape x, IReadOnlyList<int> axes, bool max)
    {
        if (axes.Count == 0 || axes[0] != 0 || axes[^1] != x.Rank - 1) { return null; }
        var lead = 0;
        while (lead < axes.Count && axes[lead] == lead) { lead++; }
        var keptFrom = lead;
        var keptTo = axes[lead]; // the first axis of the trailing run (lead < axes.Count: the axes are not one run)
        for (var i = lead; i < axes.Count; i++)
        {
            if (axes[i] != keptTo + i - lead) { return null; }
        }
        int outer = 1, kept = 1, inner = 1;
        for (var a = 0; a < x.Rank; a++)
        {
            if (a < keptFrom) { outer *= x[a]; }
            else if (a < keptTo) { kept *= x[a]; }
            else { inner *= x[a]; }
        }
        return new SplitReductionKind(outer, kept, inner, max);
    }

    /// <inheritdoc />
    public override string Describe() => $"{(Max ? "max" : "sum")} over the outer and inner axes of ({Outer}, {Kept}, {Inner})";
}
