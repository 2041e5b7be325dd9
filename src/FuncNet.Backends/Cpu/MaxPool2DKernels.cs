using System.Numerics;
using System.Numerics.Tensors;
using FuncNet.Lowering;

namespace FuncNet.Backends.Cpu;

/// <summary>
/// Max pooling forward, its gradient (scatter to each window's first maximum) and its forward derivative (gather from
/// it), for one geometry and input shape. The forward pass runs over a −∞-padded copy of each plane and, at column
/// stride 1, takes the maximum of whole output rows with vector instructions (NaN propagates, as in the reference).
/// </summary>
internal sealed class MaxPool2DKernels<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Pool2DGeometry _g;
    private readonly int _planes, _h, _w, _oh, _ow, _paddedW, _paddedSize;

    /// <summary>Kernels for inputs of <paramref name="input"/> (N, C, H, W).</summary>
    public MaxPool2DKernels(Pool2DGeometry geometry, Shape input)
    {
        _g = geometry;
        var output = geometry.Check("MaxPool2D", input);
        (_planes, _h, _w, _oh, _ow) = (input[0] * input[1], input[2], input[3], output[2], output[3]);
        _paddedW = _g.PadLeft + _w + _g.PadRight;
        _paddedSize = (_g.PadTop + _h + _g.PadBottom) * _paddedW;
    }

    /// <summary>The padded plane, per thread (<see cref="ThreadScratch"/>).</summary>
    private static class Scratch
    {
        [ThreadStatic] public static T[]? Plane;
    }

    /// <summary>y (N, C, OH, OW) = the maximum of each window of x.</summary>
    public void Forward(T[] x, T[] y)
    {
        var padded = ThreadScratch.Get(ref Scratch.Plane, _paddedSize);
        for (var p = 0; p < _planes; p++)
        {
            PaddedPlane<T>.Fill(x.AsSpan(p * _h * _w, _h * _w), _h, _w, _g, T.NegativeInfinity, padded);
            for (var oy = 0; oy < _oh; oy++)
            {
                var target = y.AsSpan((p * _oh + oy) * _ow, _ow);
                target.Fill(T.NegativeInfinity);
                for (var i = 0; i < _g.KernelH; i++)
                {
                    var row = padded.AsSpan((oy * _g.StrideH + i) * _paddedW, _paddedW);
                    for (var j = 0; j < _g.KernelW; j++)
                    {
                        if (_g.StrideW == 1)
                        {
                            TensorPrimitives.Max(target, row.Slice(j, _ow), target);
                        }
                        else
                        {
                            for (var ox = 0; ox < _ow; ox++)
                            {
                                var v = row[ox * _g.StrideW + j];
                                if (v > target[ox] || T.IsNaN(v)) { target[ox] = T.IsNaN(target[ox]) ? target[ox] : v; }
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>dx (N, C, H, W): each output gradient added at its window's first maximum in x, zero elsewhere.</summary>
    public void Gradient(T[] x, T[] dy, T[] dx)
    {
        Array.Clear(dx, 0, _planes * _h * _w);
        for (var p = 0; p < _planes; p++)
        {
            for (var o = 0; o < _oh * _ow; o++)
            {
                dx[Winner(x, p, o)] += dy[p * _oh * _ow + o];
            }
        }
    }

    /// <summary>y (N, C, OH, OW): t read at each window's first maximum in x.</summary>
    public void Select(T[] x, T[] t, T[] y)
    {
        for (var p = 0; p < _planes; p++)
        {
            for (var o = 0; o < _oh * _ow; o++)
            {
                y[p * _oh * _ow + o] = t[Winner(x, p, o)];
            }
        }
    }

    /// <summary>The flat index in x of the first maximum (a NaN wins) of output position o of plane p.</summary>
    private int Winner(T[] x, int p, int o)
    {
        int oy = o / _ow, ox = o % _ow, best = -1;
        var top = oy * _g.StrideH - _g.PadTop;
        var left = ox * _g.StrideW - _g.PadLeft;
        for (var hi = Math.Max(top, 0); hi < Math.Min(top + _g.KernelH, _h); hi++)
        {
            for (var wi = Math.Max(left, 0); wi < Math.Min(left + _g.KernelW, _w); wi++)
            {
                var i = (p * _h + hi) * _w + wi;
                if (best < 0 || (!T.IsNaN(x[best]) && (x[i] > x[best] || T.IsNaN(x[i])))) { best = i; }
            }
        }
        return best;
    }
}
