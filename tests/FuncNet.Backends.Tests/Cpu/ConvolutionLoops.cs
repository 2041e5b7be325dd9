using FuncNet.Backends.Cpu.OneDnn;

namespace FuncNet.Backends.Tests.Cpu;

/// <summary>
/// Convolution and pooling by their definitions, one output (or one contribution) at a time, in double:
/// the oracle the oneDNN kernels are checked against. Dilation counts as in PyTorch (1 = none).
/// </summary>
internal static class ConvolutionLoops
{
    /// <summary>Calls visit(n, k, oh, ow, c (within the group), r, s, input index) for every in-bounds tap.</summary>
    private static void Taps(OneDnnConvolutionGeometry g, Action<int, int, int, int, int, int, int, int> visit)
    {
        int cg = g.C / g.Groups, kg = g.K / g.Groups;
        for (var n = 0; n < g.N; n++)
        for (var k = 0; k < g.K; k++)
        for (var oh = 0; oh < g.OutH; oh++)
        for (var ow = 0; ow < g.OutW; ow++)
        for (var c = 0; c < cg; c++)
        for (var r = 0; r < g.R; r++)
        for (var s = 0; s < g.S; s++)
        {
            var ih = oh * g.StrideH - g.PadTop + r * g.DilationH;
            var iw = ow * g.StrideW - g.PadLeft + s * g.DilationW;
            if (ih < 0 || ih >= g.H || iw < 0 || iw >= g.W)
            {
                continue;
            }
            var channel = k / kg * cg + c;
            visit(n, k, oh, ow, c, r, s, ((n * g.C + channel) * g.H + ih) * g.W + iw);
        }
    }

    private static int Out(OneDnnConvolutionGeometry g, int n, int k, int oh, int ow) => ((n * g.K + k) * g.OutH + oh) * g.OutW + ow;

    private static int Filter(OneDnnConvolutionGeometry g, int k, int c, int r, int s) => ((k * (g.C / g.Groups) + c) * g.R + r) * g.S + s;

    public static double[] Forward(OneDnnConvolutionGeometry g, float[] x, float[] w)
    {
        var y = new double[g.OutputSize];
        Taps(g, (n, k, oh, ow, c, r, s, i) => y[Out(g, n, k, oh, ow)] += (double)x[i] * w[Filter(g, k, c, r, s)]);
        return y;
    }

    public static double[] BackwardData(OneDnnConvolutionGeometry g, float[] w, float[] dy)
    {
        var dx = new double[g.InputSize];
        Taps(g, (n, k, oh, ow, c, r, s, i) => dx[i] += (double)dy[Out(g, n, k, oh, ow)] * w[Filter(g, k, c, r, s)]);
        return dx;
    }

    public static double[] BackwardWeights(OneDnnConvolutionGeometry g, float[] x, float[] dy)
    {
        var dw = new double[g.FilterSize];
        Taps(g, (n, k, oh, ow, c, r, s, i) => dw[Filter(g, k, c, r, s)] += (double)x[i] * dy[Out(g, n, k, oh, ow)]);
        return dw;
    }

    /// <summary>Pooling forward and, for the given output gradient, its input gradient.</summary>
    public static (double[] Y, double[] Dx) Pool(OneDnnPoolingGeometry g, float[] x, float[] dy)
    {
        var y = new double[g.OutputSize];
        var dx = new double[g.InputSize];
        for (var plane = 0; plane < g.N * g.C; plane++)
        for (var oh = 0; oh < g.OutH; oh++)
        for (var ow = 0; ow < g.OutW; ow++)
        {
            var cells = new List<int>();
            for (var r = 0; r < g.KernelH; r++)
            for (var s = 0; s < g.KernelW; s++)
            {
                int ih = oh * g.StrideH - g.PadTop + r, iw = ow * g.StrideW - g.PadLeft + s;
                if (ih >= 0 && ih < g.H && iw >= 0 && iw < g.W)
                {
                    cells.Add((plane * g.H + ih) * g.W + iw);
                }
            }
            var o = (plane * g.OutH + oh) * g.OutW + ow;
            if (g.Kind == OneDnnPoolingKind.Max)
            {
                var best = cells.MaxBy(i => x[i]);
                y[o] = x[best];
                dx[best] += dy[o];
            }
            else
            {
                double divisor = g.Kind == OneDnnPoolingKind.AverageIncludingPadding ? g.KernelH * g.KernelW : cells.Count;
                y[o] = cells.Sum(i => (double)x[i]) / divisor;
                foreach (var i in cells) { dx[i] += dy[o] / divisor; }
            }
        }
        return (y, dx);
    }
}
