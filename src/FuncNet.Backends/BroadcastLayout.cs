namespace FuncNet.Backends;

/// <summary>
/// How an elementwise kernel reads one input when the output is seen as rows × inner (split at some axis d):
/// these four cover nearly every broadcast in practice, so every backend's kernels specialize on them.
/// </summary>
internal enum BroadcastLayout
{
    /// <summary>in[i]: the input has the output's shape.</summary>
    Full,
    /// <summary>in[i % inner]: one row repeated down the output (a bias).</summary>
    Row,
    /// <summary>in[i / inner]: one value per row (a per-example scalar).</summary>
    Column,
    /// <summary>in[0]: one value.</summary>
    Scalar,
}

/// <summary>Classifies inputs into <see cref="BroadcastLayout"/>s.</summary>
internal static class BroadcastLayouts
{
    /// <summary>How an input of shape <paramref name="s"/> reads the output split at axis d, or null when it is none of the four layouts.</summary>
    public static BroadcastLayout? Classify(Shape s, Shape output, int d)
    {
        var rank = output.Rank;
        var off = rank - s.Rank;
        if (off < 0) { return null; }
        if (s.Size == output.Size && s.SequenceEqual(output.Skip(off))) { return BroadcastLayout.Full; }
        if (s.Size == 1) { return BroadcastLayout.Scalar; }
        int Dim(int axis) => axis < off ? 1 : s[axis - off];
        bool row = true, column = true;
        for (var a = 0; a < rank; a++)
        {
            var same = Dim(a) == output[a];
            var one = Dim(a) == 1;
            if (a < d) { row &= one; column &= same; }
            else { row &= same; column &= one; }
        }
        return row ? BroadcastLayout.Row : column ? BroadcastLayout.Column : null;
    }

    /// <summary>
    /// For an input that is none of the four layouts at split d: the length of its one period when it is a
    /// column repeated down the rows (a per-channel bias (C, 1, 1) over (N, C, H, W) split at the channels:
    /// ones on a leading run of the row axes, the output's sizes on the rest, ones on the inner axes), else null.
    /// Row r of the output then reads in[r % period].
    /// </summary>
    public static int? TiledColumnPeriod(Shape s, Shape output, int d)
    {
        var rank = output.Rank;
        var off = rank - s.Rank;
        if (off < 0 || d == 0) { return null; }
        int Dim(int axis) => axis < off ? 1 : s[axis - off];
        var period = 1;
        var leading = true;
        for (var a = 0; a < rank; a++)
        {
            if (a >= d)
            {
                if (Dim(a) != 1) { return null; }
                continue;
            }
            if (leading && Dim(a) == 1 && output[a] != 1) { continue; }
            leading = false;
            if (Dim(a) != output[a]) { return null; }
            period *= output[a];
        }
        return period;
    }
}
