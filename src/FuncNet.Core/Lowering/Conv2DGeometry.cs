namespace FuncNet.Lowering;

/// <summary>
/// A convolution's resolved geometry, shared by Conv2D and its two gradient ops: strides, explicit padding,
/// dilation and groups. A value (record) so that ops carrying it hash-cons.
/// </summary>
internal sealed record Conv2DGeometry(int StrideH, int StrideW, int PadTop, int PadBottom, int PadLeft, int PadRight, int DilationH, int DilationW, int Groups)
{
    /// <summary>The geometry of <paramref name="options"/> for an input of the given spatial size and a filter of R × S taps.</summary>
    public static Conv2DGeometry Resolve(Conv2DOptions options, int height, int width, int r, int s, string where)
    {
        ArgumentNullException.ThrowIfNull(options);
        var extentH = options.DilationH * (r - 1) + 1;
        var extentW = options.DilationW * (s - 1) + 1;
        var (top, bottom, left, right) = options.Padding.Resolve(height, width, extentH, extentW, options.StrideH, options.StrideW, where);
        return new(options.StrideH, options.StrideW, top, bottom, left, right, options.DilationH, options.DilationW, options.Groups);
    }

    /// <summary>The number of output positions along an axis of <paramref name="n"/> for <paramref name="taps"/> taps; unknown stays unknown.</summary>
    public static int OutputLength(int n, int taps, int stride, int padBefore, int padAfter, int dilation)
    {
        if (n == Shape.Unknown) { return Shape.Unknown; }
        var extent = dilation * (taps - 1) + 1;
        return (n + padBefore + padAfter - extent) / stride + 1;
    }

    /// <summary>The output height for an input of <paramref name="h"/> rows and a filter of <paramref name="r"/> rows.</summary>
    public int OutputHeight(int h, int r) => OutputLength(h, r, StrideH, PadTop, PadBottom, DilationH);

    /// <summary>The output width for an input of <paramref name="w"/> columns and a filter of <paramref name="s"/> columns.</summary>
    public int OutputWidth(int w, int s) => OutputLength(w, s, StrideW, PadLeft, PadRight, DilationW);

    /// <summary>
    /// Checks that an image of <paramref name="image"/> (N, C, H, W) and a filter of <paramref name="filter"/> (K, C/groups,
    /// R, S) fit this geometry and returns the output (N, K, OH, OW); errors name <paramref name="op"/> and both shapes.
    /// </summary>
    public Shape Check(string op, Shape image, Shape filter)
    {
        string Given() => $"given image {image} and filter {filter}";
        if (image.Rank != 4 || filter.Rank != 4)
        {
            throw new ShapeException($"{op}: expected an image (N, C, H, W) and a filter (K, C / groups, R, S), both of rank 4; {Given()}.");
        }
        if (StrideH <= 0 || StrideW <= 0 || DilationH <= 0 || DilationW <= 0 || Groups <= 0)
        {
            throw new ShapeException($"{op}: expected strides, dilations and groups ≥ 1; given stride ({StrideH}, {StrideW}), dilation ({DilationH}, {DilationW}), groups {Groups}; {Given()}.");
        }
        if (PadTop < 0 || PadBottom < 0 || PadLeft < 0 || PadRight < 0)
        {
            throw new ShapeException($"{op}: expected padding ≥ 0; given (top {PadTop}, bottom {PadBottom}, left {PadLeft}, right {PadRight}); {Given()}.");
        }
        int c = image[1], k = filter[0], cPerGroup = filter[1], r = filter[2], s = filter[3];
        if (k != Shape.Unknown && k % Groups != 0)
        {
            throw new ShapeException($"{op}: the filter's {k} output channels do not split into {Groups} groups; {Given()}.");
        }
        if (c != Shape.Unknown && cPerGroup != Shape.Unknown && c != (long)cPerGroup * Groups)
        {
            throw new ShapeException(
                $"{op}: the image has {c} channels but the filter expects {cPerGroup} per group × {Groups} group(s) = {(long)cPerGroup * Groups}; {Given()}.");
        }
        if (r == Shape.Unknown || s == Shape.Unknown)
        {
            throw new ShapeException($"{op}: the filter's height and width must be known when the graph is built; {Given()}.");
        }
        CheckFits(op, "height", image[2], r, PadTop, PadBottom, DilationH, Given());
        CheckFits(op, "width", image[3], s, PadLeft, PadRight, DilationW, Given());
        return Shape.Of(image[0], k, OutputHeight(image[2], r), OutputWidth(image[3], s));
    }

    private static void CheckFits(string op, string axis, int n, int taps, int before, int after, int dilation, string given)
    {
        var extent = (long)dilation * (taps - 1) + 1;
        if (taps <= 0 || (n != Shape.Unknown && n + before + after < extent))
        {
            throw new ShapeException(
                $"{op}: the filter spans {extent} along the {axis} (dilation included) but the padded input has {(n == Shape.Unknown ? "?" : (n + before + after).ToString())}; {given}.");
        }
    }

    /// <summary>Prints the geometry as graphs show it.</summary>
    public override string ToString() =>
        $"stride ({StrideH}, {StrideW}), pad ({PadTop}, {PadBottom}, {PadLeft}, {PadRight}), dilation ({DilationH}, {DilationW}), groups {Groups}";

    /// <summary>
    /// Calls <paramref name="tap"/> with the flat (image, filter, output) indices of every product the convolution
    /// sums, padded positions skipped: the one loop nest all three reference kernels share, so they are adjoint by
    /// construction. <paramref name="image"/> is (N, C, H, W), <paramref name="filter"/> (K, C/groups, R, S).
    /// </summary>
    public void ForEachTap(Shape image, Shape filter, Action<int, int, int> tap)
    {
        int n = image[0], c = image[1], h = image[2], w = image[3];
        int k = filter[0], cg = filter[1], r = filter[2], s = filter[3];
        int oh = OutputHeight(h, r), ow = OutputWidth(w, s), kg = k / Groups;
        for (var b = 0; b < n; b++)
        {
            for (var g = 0; g < Groups; g++)
            {
                for (var ko = g * kg; ko < (g + 1) * kg; ko++)
                {
                    for (var cc = 0; cc < cg; cc++)
                    {
                        var ci = g * cg + cc;
                        for (var y = 0; y < oh; y++)
                        {
                            for (var x = 0; x < ow; x++)
                            {
                                var output = ((b * k + ko) * oh + y) * ow + x;
                                for (var i = 0; i < r; i++)
                                {
                                    var hi = y * StrideH - PadTop + i * DilationH;
                                    if (hi < 0 || hi >= h) { continue; }
                                    for (var j = 0; j < s; j++)
                                    {
                                        var wi = x * StrideW - PadLeft + j * DilationW;
                                        if (wi < 0 || wi >= w) { continue; }
                                        tap(((b * c + ci) * h + hi) * w + wi, ((ko * cg + cc) * r + i) * s + j, output);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
