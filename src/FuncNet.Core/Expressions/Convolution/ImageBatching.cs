namespace FuncNet.Expressions;

/// <summary>
/// The batching helpers the convolution and pooling ops share. A vmap batch axis B in front of images (B, N, C, H, W)
/// either joins the image axis (B·N images, when only images vary) or the channel axis (N images of B·C channels,
/// with B times the groups, when filters vary too): a grouped convolution is B independent convolutions at once.
/// </summary>
internal static class ImageBatching
{
    /// <summary>(B, N, rest…) → (B·N, rest…).</summary>
    public static Expr FoldIntoImages(Expr x, string op)
    {
        var rest = x.Shape.Skip(2).ToArray();
        RequireKnown(rest, x, op);
        return Ops.Reshape(x, new Shape([Shape.Unknown, .. rest]));
    }

    /// <summary>(B·N, rest…) → (B, N, rest…) with B and N those of <paramref name="like"/>'s leading axes.</summary>
    public static Expr UnfoldImages(Expr y, Expr like, string op)
    {
        int b = like.Shape[0], n = like.Shape[1];
        if (b == Shape.Unknown && n == Shape.Unknown)
        {
            throw new ShapeException($"Rows: {op} over rows of images needs the number of rows or of images per row known when the graph is built; given shape {like.Shape}.");
        }
        var rest = y.Shape.Skip(1).ToArray();
        RequireKnown(rest, y, op);
        return Ops.Reshape(y, new Shape([b, n, .. rest]));
    }

    /// <summary>(B, N, C, H, W) → (N, B·C, H, W).</summary>
    public static Expr ChannelsOfEachRow(Expr x, string op)
    {
        RequireKnown([x.Shape[0], x.Shape[2], x.Shape[3], x.Shape[4]], x, op);
        return Ops.Reshape(Ops.Transpose(x, 1, 0, 2, 3, 4), Shape.Of(Shape.Unknown, x.Shape[0] * x.Shape[2], x.Shape[3], x.Shape[4]));
    }

    /// <summary>(N, B·K, OH, OW) → (B, N, K, OH, OW).</summary>
    public static Expr RowsOfChannels(Expr y, int rows, string op)
    {
        RequireKnown(y.Shape.Skip(1).ToArray(), y, op);
        var split = Ops.Reshape(y, Shape.Of(Shape.Unknown, rows, y.Shape[1] / rows, y.Shape[2], y.Shape[3]));
        return Ops.Transpose(split, 1, 0, 2, 3, 4);
    }

    /// <summary>(B, K, C, R, S) → (B·K, C, R, S).</summary>
    public static Expr FiltersOfEachRow(Expr w, string op)
    {
        RequireKnown(w.Shape.ToArray(), w, op);
        return Ops.Reshape(w, Shape.Of(w.Shape[0] * w.Shape[1], w.Shape[2], w.Shape[3], w.Shape[4]));
    }

    /// <summary>(B·K, C, R, S) → (B, K, C, R, S).</summary>
    public static Expr RowsOfFilters(Expr w, int rows) =>
        Ops.Reshape(w, Shape.Of(rows, w.Shape[0] / rows, w.Shape[1], w.Shape[2], w.Shape[3]));

    private static void RequireKnown(IReadOnlyList<int> dims, Expr x, string op)
    {
        if (dims.Contains(Shape.Unknown))
        {
            throw new ShapeException($"Rows: {op} over rows needs every axis but the images' known when the graph is built; given shape {x.Shape}.");
        }
    }
}
