using System.Numerics;
using FuncNet.Lowering;

namespace FuncNet.Backends.Cpu;

/// <summary>
/// One image plane copied into a larger one with a border filled with a given value (−∞ for max pooling, 0 for
/// average pooling), so that pooling windows read whole rows without bounds checks and vector loops run over
/// output columns.
/// </summary>
internal static class PaddedPlane<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Copies the h × w plane <paramref name="source"/> into <paramref name="target"/> ((top + h + bottom) × (left + w + right)).</summary>
    public static void Fill(ReadOnlySpan<T> source, int h, int w, Pool2DGeometry g, T border, Span<T> target)
    {
        var width = g.PadLeft + w + g.PadRight;
        target[..(g.PadTop * width)].Fill(border);
        target[((g.PadTop + h) * width)..].Fill(border);
        for (var y = 0; y < h; y++)
        {
            var row = target.Slice((g.PadTop + y) * width, width);
            row[..g.PadLeft].Fill(border);
            source.Slice(y * w, w).CopyTo(row[g.PadLeft..]);
            row[(g.PadLeft + w)..].Fill(border);
        }
    }
}
