using FuncNet.Expressions;
using FuncNet.Lowering;

namespace FuncNet;

/// <summary>
/// The 2-D convolution (deep learning's cross-correlation) of images x (N, C, H, W) with filters w (K, C/groups, R, S),
/// giving (N, K, OH, OW): y[n, k, p, q] = Σ x[n, c, p·sh − top + i·dh, q·sw − left + j·dw] · w[k, c', i, j] over the
/// taps inside the image, c running over k's group. Its gradients are ops of their own
/// (<see cref="Conv2DInputGradientOp"/>, <see cref="Conv2DFilterGradientOp"/>), bilinear like it, so every order of
/// derivative is again one of the three.
/// </summary>
internal sealed record Conv2DOp(Conv2DGeometry Geometry) : Op
{
    public override string Name => "Conv2D";

    // Lowering: the forward convolution pass, geometry as resolved when the node was built.
    internal override KernelKind Lower(IReadOnlyList<Shape> inputs, IReadOnlyList<DType> dtypes, Shape shape, DType dtype) =>
        new ConvolutionKind(Geometry, inputs[0], inputs[1], ConvolutionPass.Forward);

    internal override (Shape, DType) Infer(IReadOnlyList<Shape> shapes, IReadOnlyList<DType> dtypes) =>
        (Geometry.Check(Name, shapes[0], shapes[1]), RequireSameFloat(dtypes));

    internal override Tensor Reference(IReadOnlyList<Tensor> inputs, Shape outputShape, DType outputDType)
    {
        Tensor x = inputs[0], w = inputs[1];
        var y = new double[outputShape.Size];
        Geometry.ForEachTap(x.Shape, w.Shape, (xi, wi, yi) => y[yi] += x.GetDouble(xi) * w.GetDouble(wi));
        return Tensor.FromSpan(outputShape, y, outputDType);
    }

    internal override Expr?[] Vjp(Expr node, Expr gradient)
    {
        Expr x = node.Inputs[0], w = node.Inputs[1];
        return [Ops.Conv2DInputGradient(gradient, w, Geometry, x.Shape, Name), Ops.Conv2DFilterGradient(x, gradient, Geometry, w.Shape, Name)];
    }

    internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents)
    {
        Expr x = node.Inputs[0], w = node.Inputs[1];
        return Tangents.Add(
            tangents[0] is { } tx ? Expr.Make(this, tx, w) : null,
            tangents[1] is { } tw ? Expr.Make(this, x, tw) : null);
    }

    internal override string Format(IReadOnlyList<string> inputs) => $"Conv2D({inputs[0]}, {inputs[1]}, {Geometry})";

    // Batching: rows of images alone become more images; rows of filters become groups over rows of channels.
    internal override Expr Batch(Expr node, IReadOnlyList<Expr> inputs, IReadOnlyList<bool> batched)
    {
        if (!batched[1])
        {
            return ImageBatching.UnfoldImages(Expr.Make(this, ImageBatching.FoldIntoImages(inputs[0], Name), inputs[1]), inputs[0], Name);
        }
        var all = Batching.AllBatched(inputs, batched);
        var rows = all[1].Shape[0];
        var grouped = this with { Geometry = Geometry with { Groups = Geometry.Groups * rows } };
        var y = Expr.Make(grouped, ImageBatching.ChannelsOfEachRow(all[0], Name), ImageBatching.FiltersOfEachRow(all[1], Name));
        return ImageBatching.RowsOfChannels(y, rows, Name);
    }
}

public static partial class Ops
{
    /// <summary>
    /// The 2-D convolution of images <paramref name="x"/> (N, C, H, W) with filters <paramref name="w"/> (K, C, R, S):
    /// stride 1, no padding. The result is (N, K, H − R + 1, W − S + 1). As in every deep-learning library this is a
    /// cross-correlation (the filter is not flipped).
    /// </summary>
    public static Expr Conv2D(Expr x, Expr w) => Conv2D(x, w, Conv2DOptions.Default);

    /// <summary>The 2-D convolution with the same <paramref name="stride"/> along both axes and the given padding.</summary>
    public static Expr Conv2D(Expr x, Expr w, int stride, Padding2D padding) => Conv2D(x, w, Conv2DOptions.WithStride(stride, padding));

    /// <summary>
    /// The 2-D convolution of images <paramref name="x"/> (N, C, H, W) with filters <paramref name="w"/>
    /// (K, C / groups, R, S) in the geometry of <paramref name="options"/> (stride, padding, dilation, groups), as
    /// PyTorch's <c>conv2d</c>: the result is (N, K, OH, OW) with OH = ⌊(H + top + bottom − dilation·(R − 1) − 1) / stride⌋ + 1.
    /// Shapes that do not fit (channels against groups, a filter wider than the padded input, a stride below 1) are
    /// a <see cref="ShapeException"/> naming both shapes.
    /// </summary>
    public static Expr Conv2D(Expr x, Expr w, Conv2DOptions options)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(options);
        RequireImageAndFilter("Conv2D", x, w);
        var geometry = Conv2DGeometry.Resolve(options, x.Shape[2], x.Shape[3], w.Shape[2], w.Shape[3], "Conv2D");
        return Expr.Make(new Conv2DOp(geometry), x, w);
    }

    /// <summary>Rank 4 on both sides, checked before padding is resolved from their axes.</summary>
    private static void RequireImageAndFilter(string op, Expr x, Expr w)
    {
        if (x.Rank != 4 || w.Rank != 4)
        {
            throw new ShapeException($"{op}: expected an image (N, C, H, W) and a filter of rank 4; given image {x.Shape} and filter {w.Shape}.");
        }
    }
}
