using System.Numerics;

namespace FuncNet.Backends.Cpu;

/// <summary>
/// Convolution forward and both gradients as im2col (or col2im) plus one GEMM per image and group, on the GEMM the
/// CPU backend chose (managed, MKL, OpenBLAS): the managed path that runs where no convolution library is installed.
/// Specialized to one geometry and shape set when created; the column matrix is per-thread scratch that is kept, so
/// a steady state allocates nothing.
/// </summary>
internal sealed class Conv2DKernels<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly IGemm _gemm;
    private readonly Conv2DGeometry _g;
    private readonly int _n, _c, _h, _w, _k, _r, _s, _oh, _ow, _cg, _kg, _taps, _plane;

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
    }

    /// <summary>Per-thread column matrices, grown as needed and kept.</summary>
    private static class Scratch
    {
        [ThreadStatic] public static T[]? Columns;

        public static T[] Get(int length) => Columns is { } c && c.Length >= length ? c : Columns = new T[Math.Max(1, length)];
    }

    /// <summary>y (N, K, OH, OW) = Conv2D(x, w): per image and group, filters (K/g × taps) · columns (taps × OH·OW).</summary>
    public void Forward(T[] x, T[] w, T[] y)
    {
        var columns = Scratch.Get(_taps * _plane);
        for (var b = 0; b < _n; b++)
        {
            for (var grp = 0; grp < _g.Groups; grp++)
            {
                Im2Col<T>.Expand(_g, _cg, _h, _w, _r, _s, _oh, _ow, x.AsSpan(((b * _c) + grp * _cg) * _h * _w, _cg * _h * _w), columns);
                _gemm.Gemm(false, false, _kg, _plane, _taps, T.One, w, grp * _kg * _taps, _taps, columns, 0, _plane,
                           T.Zero, y, (b * _k + grp * _kg) * _plane, _plane);
            }
        }
    }

    /// <summary>dx (N, C, H, W) from output gradients dy: per image and group, columns = filtersᵀ · dy, then col2im.</summary>
    public void InputGradient(T[] dy, T[] w, T[] dx)
    {
        var columns = Scratch.Get(_taps * _plane);
        Array.Clear(dx, 0, _n * _c * _h * _w);
        for (var b = 0; b < _n; b++)
        {
            for (var grp = 0; grp < _g.Groups; grp++)
            {
                _gemm.Gemm(true, false, _taps, _plane, _kg, T.One, w, grp * _kg * _taps, _taps, dy, (b * _k + grp * _kg) * _plane, _plane,
                           T.Zero, columns, 0, _plane);
                Im2Col<T>.Accumulate(_g, _cg, _h, _w, _r, _s, _oh, _ow, columns, dx.AsSpan(((b * _c) + grp * _cg) * _h * _w, _cg * _h * _w));
            }
        }
    }

    /// <summary>dw (K, C/groups, R, S) from images x and output gradients dy: Σ over images of dy (K/g × OH·OW) · columnsᵀ.</summary>
    public void FilterGradient(T[] x, T[] dy, T[] dw)
    {
        var columns = Scratch.Get(_taps * _plane);
        Array.Clear(dw, 0, _k * _taps);
        for (var b = 0; b < _n; b++)
        {
            for (var grp = 0; grp < _g.Groups; grp++)
            {
                Im2Col<T>.Expand(_g, _cg, _h, _w, _r, _s, _oh, _ow, x.AsSpan(((b * _c) + grp * _cg) * _h * _w, _cg * _h * _w), columns);
                _gemm.Gemm(false, true, _kg, _taps, _plane, T.One, dy, (b * _k + grp * _kg) * _plane, _plane, columns, 0, _plane,
                           T.One, dw, grp * _kg * _taps, _taps);
            }
        }
    }
}
