using System.Numerics;
using System.Numerics.Tensors;
using FuncNet.Lowering;

namespace FuncNet.Backends.Cpu;

/// <summary>
/// Average pooling forward and gradient for one geometry and input shape, counting only real positions. Both run over
/// a zero-padded plane: the forward pass sums whole output rows with vector adds at column stride 1 (in the
/// reference's order, so Float64 agrees exactly) and divides by the per-position counts computed once; the gradient
/// spreads each output gradient's share the same way, then copies the plane's interior out.
/// </summary>
internal sealed class AvgPool2DKernels<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Pool2DGeometry _g;
    private readonly int _planes, _h, _w, _oh, _ow, _paddedW, _paddedSize;
    private readonly T[] _counts;

    /// <summary>Kernels for inputs of <paramref name="input"/> (N, C, H, W).</summary>
    public AvgPool2DKernels(Pool2DGeometry geometry, Shape input)
    {
        _g = geometry;
        var output = geometry.Check("AvgPool2D", input);
        (_planes, _h, _w, _oh, _ow) = (input[0] * input[1], input[2], input[3], output[2], output[3]);
        _paddedW = _g.PadLeft + _w + _g.PadRight;
        _paddedSize = (_g.PadTop + _h + _g.PadBottom) * _paddedW;
        _counts = new T[_oh * _ow];
        for (var oy = 0; oy < _oh; oy++)
        {
            var top = oy * _g.StrideH - _g.PadTop;
            var rows = Math.Min(top + _g.KernelH, _h) - Math.Max(top, 0);
            for (var ox = 0; ox < _ow; ox++)
            {
                var left = ox * _g.StrideW - _g.PadLeft;
                _counts[oy * _ow + ox] = T.CreateTruncating(rows * (Math.Min(left + _g.KernelW, _w) - Math.Max(left, 0)));
            }
        }
    }

    /// <summary>The padded plane, per thread (<see cref="ThreadScratch"/>).</summary>
    private static class Scratch
    {
        [ThreadStatic] public static T[]? Plane;
    }

    /// <summary>y (N, C, OH, OW) = the mean of each window's real positions in x.</summary>
    public void Forward(T[] x, T[] y)
    {
        var padded = ThreadScratch.Get(ref Scratch.Plane, _paddedSize);
        for (var p = 0; p < _planes; p++)
        {
            PaddedPlane<T>.Fill(x.AsSpan(p * _h * _w, _h * _w), _h, _w, _g, T.Zero, padded);
            for (var oy = 0; oy < _oh; oy++)
            {
                var target = y.AsSpan((p * _oh + oy) * _ow, _ow);
                target.Clear();
                for (var i = 0; i < _g.KernelH; i++)
                {
                    var row = padded.AsSpan((oy * _g.StrideH + i) * _paddedW, _paddedW);
                    for (var j = 0; j < _g.KernelW; j++)
                    {
                        if (_g.StrideW == 1)
                        {
                            TensorPrimitives.Add(target, row.Slice(j, _ow), target);
                        }
                        else
                        {
                            for (var ox = 0; ox < _ow; ox++) { target[ox] += row[ox * _g.StrideW + j]; }
                        }
                    }
                }
                TensorPrimitives.Divide(target, _counts.AsSpan(oy * _ow, _ow), target);
            }
        }
    }

    /// <summary>dx (N, C, H, W): each output gradient divided by its count and added over its window's real positions.</summary>
    public void Gradient(T[] dy, T[] dx)
    {
        var padded = ThreadScratch.Get(ref Scratch.Plane, _paddedSize + _ow);
        var share = padded.AsSpan(_paddedSize, _ow);
        for (var p = 0; p < _planes; p++)
        {
            var plane = padded.AsSpan(0, _paddedSize);
            plane.Clear();
            for (var oy = 0; oy < _oh; oy++)
            {
                TensorPrimitives.Divide(dy.AsSpan((p * _oh + oy) * _ow, _ow), _counts.AsSpan(oy * _ow, _ow), share);
                for (var i = 0; i < _g.KernelH; i++)
                {
                    var row = plane.Slice((oy * _g.StrideH + i) * _paddedW, _paddedW);
                    for (var j = 0; j < _g.KernelW; j++)
                    {
                        if (_g.StrideW == 1)
                        {
                            TensorPrimitives.Add(row.Slice(j, _ow), share, row.Slice(j, _ow));
                        }
                        else
                        {
                            for (var ox = 0; ox < _ow; ox++) { row[ox * _g.StrideW + j] += share[ox]; }
                        }
                    }
                }
            }
            for (var y = 0; y < _h; y++)
            {
                plane.Slice((_g.PadTop + y) * _paddedW + _g.PadLeft, _w).CopyTo(dx.AsSpan((p * _h + y) * _w, _w));
            }
        }
    }
}
