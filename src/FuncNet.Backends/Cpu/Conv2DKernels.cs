using System.Numerics;
using FuncNet.Lowering;

namespace FuncNet.Backends.Cpu;

/// <summary>
/// Convolution forward and both gradients as im2col (or col2im) plus one GEMM per group over the whole batch, on
/// the GEMM the CPU backend chose (managed, MKL, OpenBLAS): the managed path that runs where no convolution library
/// is installed. The columns of all N images sit side by side (taps × N·OH·OW), so each GEMM is as wide as the batch
/// rather than one small product per image; output channels are moved between that (K, N·OH·OW) layout and NCHW by
/// row copies. Specialized to one geometry and shape set when created; the scratch matrices are per-thread and kept,
/// so a steady state allocates nothing.
/// </summary>
internal sealed class Conv2DKernels<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly IGemm _gemm;
    private readonly Conv2DGeometry _g;
    private readonly int _n, _c, _h, _w, _k, _r, _s, _oh, _ow, _cg, _kg, _taps, _plane, _wide;

    /// <summary>Kernels for images (N, C, H, W) and filters (K, C/groups, R, S) in geometry <paramref name="geometry"/>.</summary>
    public Conv2DKernels(IGemm gemm, Conv2DGeometry geometry, Shape image, Shape filter)
    {
        (_gemm, _g) = (gemm, geometry);
        (_n, _c, _h, _w) = (image[0], image[1], image[2], image[3]);
        (_k, _cg, _r, _s) = (filter[0], filter[1], filter[2], filter[3]);
        (_oh, _ow) = (geometry.OutputHeight(_h, _r), geometry.OutputWidth(_w, _s));
        _kg = _k / geometry.Groups;
        _taps = _cg * _r * _s;
        _plane = _oh * _ow;
        _wide = _n * _plane;
    }

    /// <summary>Per-thread scratch: the batch's column matrix and its (K/groups × N·OH·OW) product, grown as needed and kept.</summary>
    private static class Scratch
    {
        [ThreadStatic] public static T[]? Columns;
        [ThreadStatic] public static T[]? Channels;
    }

    /// <summary>y (N, K, OH, OW) = Conv2D(x, w): per group, filters (K/g × taps) · columns (taps × N·OH·OW).</summary>
    public void Forward(T[] x, T[] w, T[] y)
    {
        var columns = ThreadScratch.Get(ref Scratch.Columns, _taps * _wide);
        var channels = ThreadScratch.Get(ref Scratch.Channels, _kg * _wide);
        if (_taps == 0)
        {
            // Filters without input channels: a sum of no products, and a GEMM of inner dimension 0 is not called.
            Array.Clear(y, 0, _n * _k * _plane);
            return;
        }
        for (var grp = 0; grp < _g.Groups; grp++)
        {
            Expand(x, grp, columns);
            _gemm.Gemm(false, false, _kg, _wide, _taps, T.One, w, grp * _kg * _taps, _taps, columns, 0, _wide, T.Zero, channels, 0, _wide);
            MoveChannels(channels, y, grp, toImages: true);
        }
    }

    /// <summary>dx (N, C, H, W) from output gradients dy: per group, columns = filtersᵀ · dy, then col2im.</summary>
    public void InputGradient(T[] dy, T[] w, T[] dx)
    {
        var columns = ThreadScratch.Get(ref Scratch.Columns, _taps * _wide);
        var channels = ThreadScratch.Get(ref Scratch.Channels, _kg * _wide);
        Array.Clear(dx, 0, _n * _c * _h * _w);
        if (_kg == 0) { return; }   // no output channels: nothing flows back
        for (var grp = 0; grp < _g.Groups; grp++)
        {
            MoveChannels(channels, dy, grp, toImages: false);
            _gemm.Gemm(true, false, _taps, _wide, _kg, T.One, w, grp * _kg * _taps, _taps, channels, 0, _wide, T.Zero, columns, 0, _wide);
            for (var b = 0; b < _n; b++)
            {
                Im2Col<T>.Accumulate(_g, _cg, _h, _w, _r, _s, _oh, _ow, columns.AsSpan(b * _plane), dx.AsSpan(((b * _c) + grp * _cg) * _h * _w, _cg * _h * _w), _wide);
            }
        }
    }

    /// <summary>dw (K, C/groups, R, S) from images x and output gradients dy: per group, dy (K/g × N·OH·OW) · columnsᵀ.</summary>
    public void FilterGradient(T[] x, T[] dy, T[] dw)
    {
        var columns = ThreadScratch.Get(ref Scratch.Columns, _taps * _wide);
        var channels = ThreadScratch.Get(ref Scratch.Channels, _kg * _wide);
        if (_wide == 0)
        {
            Array.Clear(dw, 0, _k * _taps);
            return;
        }
        for (var grp = 0; grp < _g.Groups; grp++)
        {
            Expand(x, grp, columns);
            MoveChannels(channels, dy, grp, toImages: false);
            _gemm.Gemm(false, true, _kg, _taps, _wide, T.One, channels, 0, _wide, columns, 0, _wide, T.Zero, dw, grp * _kg * _taps, _taps);
        }
    }

    /// <summary>The columns of group <paramref name="grp"/> of every image, image b at column b·OH·OW.</summary>
    private void Expand(T[] x, int grp, T[] columns)
    {
        for (var b = 0; b < _n; b++)
        {
            Im2Col<T>.Expand(_g, _cg, _h, _w, _r, _s, _oh, _ow, x.AsSpan(((b * _c) + grp * _cg) * _h * _w, _cg * _h * _w), columns.AsSpan(b * _plane), _wide);
        }
    }

    /// <summary>Group <paramref name="grp"/>'s channels between the (K/g × N·OH·OW) layout and NCHW, in either direction.</summary>
    private void MoveChannels(T[] channels, T[] images, int grp, bool toImages)
    {
        for (var b = 0; b < _n; b++)
        {
            for (var k = 0; k < _kg; k++)
            {
                var wide = channels.AsSpan(k * _wide + b * _plane, _plane);
                var image = images.AsSpan((b * _k + grp * _kg + k) * _plane, _plane);
                if (toImages) { wide.CopyTo(image); } else { image.CopyTo(wide); }
            }
        }
    }
}
