namespace FuncNet;

/// <summary>
/// How a convolution or pooling pads its input's two spatial axes: <see cref="Valid"/> (none), <see cref="Same"/>
/// (TensorFlow's "same": output length ⌈input / stride⌉, the extra row or column going to the bottom or right), or
/// explicit amounts before and after each axis.
/// </summary>
public sealed record Padding2D
{
    private enum Mode { Valid, Same, Explicit }

    private readonly Mode _mode;

    private Padding2D(Mode mode, int top, int bottom, int left, int right)
    {
        _mode = mode;
        (Top, Bottom, Left, Right) = (top, bottom, left, right);
    }

    /// <summary>No padding: windows lie wholly inside the input ("valid").</summary>
    public static Padding2D Valid { get; } = new(Mode.Valid, 0, 0, 0, 0);

    /// <summary>TensorFlow's "same": the output has ⌈input / stride⌉ rows and columns; an odd total puts the extra one after.</summary>
    public static Padding2D Same { get; } = new(Mode.Same, 0, 0, 0, 0);

    /// <summary>Explicit padding before and after each spatial axis (all ≥ 0).</summary>
    public static Padding2D Explicit(int top, int bottom, int left, int right) => new(Mode.Explicit, top, bottom, left, right);

    /// <summary>The same explicit padding before and after: <paramref name="height"/> rows above and below, <paramref name="width"/> columns left and right.</summary>
    public static Padding2D Symmetric(int height, int width) => Explicit(height, height, width, width);

    /// <summary>Rows added above (explicit padding only; 0 otherwise).</summary>
    public int Top { get; }

    /// <summary>Rows added below (explicit padding only; 0 otherwise).</summary>
    public int Bottom { get; }

    /// <summary>Columns added on the left (explicit padding only; 0 otherwise).</summary>
    public int Left { get; }

    /// <summary>Columns added on the right (explicit padding only; 0 otherwise).</summary>
    public int Right { get; }

    /// <summary>Prints "valid", "same" or the four explicit amounts.</summary>
    public override string ToString() => _mode switch
    {
        Mode.Valid => "valid",
        Mode.Same => "same",
        _ => $"(top {Top}, bottom {Bottom}, left {Left}, right {Right})",
    };

    /// <summary>
    /// The explicit amounts for an input of <paramref name="height"/> × <paramref name="width"/> and a window of the
    /// given extent (dilation included) and stride; "same" needs the spatial size known.
    /// </summary>
    internal (int Top, int Bottom, int Left, int Right) Resolve(int height, int width, int extentH, int extentW, int strideH, int strideW, string where)
    {
        if (_mode != Mode.Same)
        {
            return (Top, Bottom, Left, Right);
        }
        if (height == Shape.Unknown || width == Shape.Unknown)
        {
            throw new ShapeException($"{where}: \"same\" padding needs the input's height and width known when the graph is built; give explicit padding instead.");
        }
        var (top, bottom) = SameAmounts(height, extentH, strideH);
        var (left, right) = SameAmounts(width, extentW, strideW);
        return (top, bottom, left, right);
    }

    // TensorFlow's rule: pad just enough for ⌈n / stride⌉ windows, splitting the total with the odd one after.
    private static (int Before, int After) SameAmounts(int n, int extent, int stride)
    {
        if (stride <= 0) { return (0, 0); }   // left for the op's own check, which names the shapes
        var outputs = (n + stride - 1) / stride;
        var total = Math.Max((outputs - 1) * stride + extent - n, 0);
        return (total / 2, total - total / 2);
    }
}
