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
}
