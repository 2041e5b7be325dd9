namespace FuncNet.Lowering;

/// <summary>A pooling's resolved geometry (window, stride, explicit padding), shared by the pooling ops and their gradients.</summary>
internal sealed record Pool2DGeometry(int KernelH, int KernelW, int StrideH, int StrideW, int PadTop, int PadBottom, int PadLeft, int PadRight)
{
    /// <summary>The geometry of <paramref name="options"/> for an input of the given spatial size.</summary>
    public static Pool2DGeometry Resolve(Pool2DOptions options, int height, int width, string where)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Padding);
        var (top, bottom, left, right) = options.Padding.Resolve(height, width, options.KernelH, options.KernelW, options.StrideH, options.StrideW, where);
        return new(options.KernelH, options.KernelW, options.StrideH, options.StrideW, top, bottom, left, right);
    }

    /// <summary>
    /// Checks that an input of <paramref name="input"/> (N, C, H, W) fits: strides and windows ≥ 1, padding ≥ 0 and
    /// smaller than the window (so that every window holds a real element), the window no larger than the padded
    /// input. Returns the output shape (N, C, OH, OW).
    /// </summary>
    public Shape Check(string op, Shape input)
    {
        if (input.Rank != 4)
        {
            throw new ShapeException($"{op}: expected an input (N, C, H, W) of rank 4; given shape {input} with a {KernelH} × {KernelW} window.");
        }
        string Given() => $"given input {input} and a {KernelH} × {KernelW} window, stride ({StrideH}, {StrideW}), padding ({PadTop}, {PadBottom}, {PadLeft}, {PadRight})";
        if (KernelH <= 0 || KernelW <= 0 || StrideH <= 0 || StrideW <= 0)
        {
            throw new ShapeException($"{op}: expected a window and strides ≥ 1; {Given()}.");
        }
        if (PadTop < 0 || PadBottom < 0 || PadLeft < 0 || PadRight < 0 || PadTop >= KernelH || PadBottom >= KernelH || PadLeft >= KernelW || PadRight >= KernelW)
        {
            throw new ShapeException($"{op}: expected padding ≥ 0 and smaller than the window, so that every window covers part of the input; {Given()}.");
        }
        if ((input[2] != Shape.Unknown && input[2] + PadTop + PadBottom < KernelH) || (input[3] != Shape.Unknown && input[3] + PadLeft + PadRight < KernelW))
        {
            throw new ShapeException($"{op}: the window does not fit in the padded input; {Given()}.");
        }
        return Shape.Of(input[0], input[1], OutputLength(input[2], KernelH, StrideH, PadTop, PadBottom), OutputLength(input[3], KernelW, StrideW, PadLeft, PadRight));
    }

    private static int OutputLength(int n, int kernel, int stride, int before, int after) =>
        n == Shape.Unknown ? Shape.Unknown : (n + before + after - kernel) / stride + 1;

    /// <summary>Prints the geometry as graphs show it.</summary>
    public override string ToString() =>
        $"window ({KernelH}, {KernelW}), stride ({StrideH}, {StrideW}), pad ({PadTop}, {PadBottom}, {PadLeft}, {PadRight})";

    /// <summary>
    /// For an input of <paramref name="input"/> (N, C, H, W): for each output position (row-major over N, C, OH, OW),
    /// the flat indices of the input elements its window covers, padding skipped, in row-major window order.
    /// The reference kernels of every pooling op read their windows from here.
    /// </summary>
    public int[][] Windows(Shape input)
    {
        int planes = input[0] * input[1], h = input[2], w = input[3];
        int oh = OutputLength(h, KernelH, StrideH, PadTop, PadBottom), ow = OutputLength(w, KernelW, StrideW, PadLeft, PadRight);
        var windows = new int[planes * oh * ow][];
        var members = new List<int>(KernelH * KernelW);
        for (var p = 0; p < planes; p++)
        {
            for (var y = 0; y < oh; y++)
            {
                for (var x = 0; x < ow; x++)
                {
                    members.Clear();
                    for (var i = 0; i < KernelH; i++)
                    {
                        var hi = y * StrideH - PadTop + i;
                        if (hi < 0 || hi >= h) { continue; }
                        for (var j = 0; j < KernelW; j++)
                        {
                            var wi = x * StrideW - PadLeft + j;
                            if (wi >= 0 && wi < w) { members.Add((p * h + hi) * w + wi); }
                        }
                    }
                    windows[(p * oh + y) * ow + x] = members.ToArray();
                }
            }
        }
        return windows;
    }
}
