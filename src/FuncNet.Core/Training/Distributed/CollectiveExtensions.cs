namespace FuncNet;

/// <summary>Operations composed from an <see cref="ICollective"/>'s primitives.</summary>
public static class CollectiveExtensions
{
    /// <summary>Replaces <paramref name="values"/> on every rank by the elementwise mean over all ranks (the sum times 1/Size).</summary>
    public static void AllReduceMean(this ICollective collective, Span<float> values)
    {
        ArgumentNullException.ThrowIfNull(collective);
        collective.AllReduceSum(values);
        var scale = 1f / collective.Size;
        foreach (ref var v in values) { v *= scale; }
    }

    /// <summary>Replaces <paramref name="values"/> on every rank by the elementwise mean over all ranks (the sum times 1/Size).</summary>
    public static void AllReduceMean(this ICollective collective, Span<double> values)
    {
        ArgumentNullException.ThrowIfNull(collective);
        collective.AllReduceSum(values);
        var scale = 1.0 / collective.Size;
        foreach (ref var v in values) { v *= scale; }
    }

    /// <summary>Rank <paramref name="root"/>'s string on every rank (its UTF-8 length is broadcast first).</summary>
    public static string Broadcast(this ICollective collective, string text, int root)
    {
        ArgumentNullException.ThrowIfNull(collective);
        ArgumentNullException.ThrowIfNull(text);
        var bytes = collective.Rank == root ? System.Text.Encoding.UTF8.GetBytes(text) : [];
        var length = BitConverter.GetBytes(bytes.Length);
        collective.Broadcast(length, root);
        if (collective.Rank != root) { bytes = new byte[BitConverter.ToInt32(length)]; }
        collective.Broadcast(bytes, root);
        return System.Text.Encoding.UTF8.GetString(bytes);
    }
}
