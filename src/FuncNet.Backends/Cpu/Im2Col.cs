using System.Numerics;
using FuncNet.Lowering;

namespace FuncNet.Backends.Cpu;

/// <summary>
/// The lowering of a convolution to GEMM: <see cref="Expand"/> copies the taps of one image group into a matrix of
/// (C/groups·R·S) rows by (OH·OW) columns (rows <c>ld</c> apart, so several images can sit side by side) — row (c, i, j) holds, for each output position, the image element that
/// tap reads, or zero in the padding — so the convolution is filters (K/groups × C/groups·R·S) times that matrix.
/// <see cref="Accumulate"/> is its adjoint (col2im): it adds each column entry back onto the element it came from.
/// </summary>
internal static class Im2Col<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// Fills <paramref name="columns"/> (channels·R·S × OH·OW) from <paramref name="image"/>, which holds
    /// <paramref name="channels"/> planes of H × W starting at its index 0.
    /// </summary>
    public static void Expand(Conv2DGeometry g, int channels, int h, int w, int r, int s, int oh, int ow, ReadOnlySpan<T> image, Span<T> columns, int ld)
    {
        var plane = oh * ow;
        for (var c = 0; c < channels; c++)
        {
            var source = image.Slice(c * h * w, h * w);
            for (var i = 0; i < r; i++)
            {
                for (var j = 0; j < s; j++)
                {
                    var row = columns.Slice(((c * r + i) * s + j) * ld, plane);
                    var (first, last) = ValidColumns(ow, w, j * g.DilationW - g.PadLeft, g.StrideW);
                    for (var y = 0; y < oh; y++)
                    {
                        var target = row.Slice(y * ow, ow);
                        var hi = y * g.StrideH - g.PadTop + i * g.DilationH;
                        if (hi < 0 || hi >= h || first >= last)
                        {
                            target.Clear();
                            continue;
                        }
                        target[..first].Clear();
                        target[last..].Clear();
                        var sourceRow = source.Slice(hi * w, w);
                        var offset = j * g.DilationW - g.PadLeft;
                        if (g.StrideW == 1)
                        {
                            sourceRow.Slice(first + offset, last - first).CopyTo(target[first..last]);
                        }
                        else
                        {
                            for (var x = first; x < last; x++) { target[x] = sourceRow[x * g.StrideW + offset]; }
                        }
                    }
                }
            }
        }
    }

    /// <summary>Adds <paramref name="columns"/> (as <see cref="Expand"/> lays them out) onto <paramref name="image"/>.</summary>
    public static void Accumulate(Conv2DGeometry g, int channels, int h, int w, int r, int s, int oh, int ow, ReadOnlySpan<T> columns, Span<T> image, int ld)
    {
        var plane = oh * ow;
        for (var c = 0; c < channels; c++)
        {
            var target = image.Slice(c * h * w, h * w);
            for (var i = 0; i < r; i++)
            {
                for (var j = 0; j < s; j++)
                {
                    var row = columns.Slice(((c * r + i) * s + j) * ld, plane);
                    var offset = j * g.DilationW - g.PadLeft;
                    var (first, last) = ValidColumns(ow, w, offset, g.StrideW);
                    for (var y = 0; y < oh; y++)
                    {
                        var hi = y * g.StrideH - g.PadTop + i * g.DilationH;
                        if (hi < 0 || hi >= h || first >= last) { continue; }
                        var targetRow = target.Slice(hi * w, w);
                        var source = row.Slice(y * ow, ow);
                        if (g.StrideW == 1)
                        {
                            System.Numerics.Tensors.TensorPrimitives.Add(targetRow.Slice(first + offset, last - first), source[first..last], targetRow.Slice(first + offset, last - first));
                        }
                        else
                        {
                            for (var x = first; x < last; x++) { targetRow[x * g.StrideW + offset] += source[x]; }
                        }
                    }
                }
            }
        }
    }

    /// <summary>The output columns [first, last) whose tap x·stride + offset lands inside a row of <paramref name="w"/>.</summary>
    private static (int First, int Last) ValidColumns(int ow, int w, int offset, int stride)
    {
        // x·stride + offset ≥ 0 ⇔ x ≥ ⌈−offset / stride⌉; x·stride + offset < w ⇔ x ≤ ⌊(w − 1 − offset) / stride⌋.
        var first = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
        var last = w - 1 - offset < 0 ? 0 : Math.Min(ow, (w - 1 - offset) / stride + 1);
        return (Math.Min(first, ow), Math.Max(last, Math.Min(first, ow)));
    }
}
