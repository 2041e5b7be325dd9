using FuncNet.Expressions;
using FuncNet.Lowering;

namespace FuncNet;

/// <summary>
/// The gradient of a convolution with respect to its images, which is the transposed convolution: from output
/// gradients g (N, K, OH, OW) and the filters w (K, C/groups, R, S), images (N, C, H, W) where each output position
/// spreads g · w back over the taps it read. H and W are attributes: a strided convolution maps several input sizes
/// to one output size, so the input's cannot be read back from g.
/// </summary>
internal sealed record Conv2DInputGradientOp(Conv2DGeometry Geometry, int Height, int Width) : Op
{
    public override string Name => "Conv2DInputGradient";

    // Lowering: the input-gradient pass; the images are the result.
    internal override KernelKind Lower(IReadOnlyList<Shape> inputs, IReadOnlyList<DType> dtypes, Shape shape, DType dtype) =>
        new ConvolutionKind(Geometry, shape, inputs[1], ConvolutionPass.InputGradient);

    internal override (Shape, DType) Infer(IReadOnlyList<Shape> shapes, IReadOnlyList<DType> dtypes)
    {
        Shape g = shapes[0], w = shapes[1];
        var dtype = RequireSameFloat(dtypes);
        if (g.Rank != 4 || w.Rank != 4)
        {
            throw new ShapeException($"{Name}: expected output gradients (N, K, OH, OW) and a filter (K, C / groups, R, S), both of rank 4; given gradients {g} and filter {w}.");
        }
        var image = Shape.Of(g[0], w[1] == Shape.Unknown ? Shape.Unknown : w[1] * Geometry.Groups, Height, Width);
        var expected = Geometry.Check(Name, image, w);
        if (!Shape.DimsCompatible(g[1], w[0]) || !Shape.DimsCompatible(g[2], expected[2]) || !Shape.DimsCompatible(g[3], expected[3]))
        {
            throw new ShapeException(
                $"{Name}: a {Height} × {Width} image under this filter gives outputs {expected}; given gradients {g} and filter {w}.");
        }
        return (image, dtype);
    }

    internal override Tensor Reference(IReadOnlyList<Tensor> inputs, Shape outputShape, DType outputDType)
    {
        Tensor g = inputs[0], w = inputs[1];
        var dx = new double[outputShape.Size];
        Geometry.ForEachTap(outputShape, w.Shape, (xi, wi, yi) => dx[xi] += g.GetDouble(yi) * w.GetDouble(wi));
        return Tensor.FromSpan(outputShape, dx, outputDType);
    }

    // ⟨u, T(g, w)⟩ = ⟨Conv2D(u, w), g⟩ = ⟨FilterGradient(u, g), w⟩: the other two ops of the family.
    internal override Expr?[] Vjp(Expr node, Expr gradient)
    {
        Expr g = node.Inputs[0], w = node.Inputs[1];
        return [Expr.Make(new Conv2DOp(Geometry), gradient, w), Ops.Conv2DFilterGradient(gradient, g, Geometry, w.Shape, Name)];
    }

    internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents)
    {
        Expr g = node.Inputs[0], w = node.Inputs[1];
        return Tangents.Add(
            tangents[0] is { } tg ? Expr.Make(this, tg, w) : null,
            tangents[1] is { } tw ? Expr.Make(this, g, tw) : null);
    }

    internal override string Format(IReadOnlyList<string> inputs) => $"Conv2DInputGradient({inputs[0]}, {inputs[1]}, {Height} × {Width}, {Geometry})";

    // Batching as Conv2D's: rows of gradients alone are more images; rows of filters become groups.
    internal override Expr Batch(Expr node, IReadOnlyList<Expr> inputs, IReadOnlyList<bool> batched)
    {
        if (!batched[1])
        {
            return ImageBatching.UnfoldImages(Expr.Make(this, ImageBatching.FoldIntoImages(inputs[0], Name), inputs[1]), inputs[0], Name);
        }
        var all = Batching.AllBatched(inputs, batched);
        var rows = all[1].Shape[0];
        var grouped = this with { Geometry = Geometry with { Groups = Geometry.Groups * rows } };
        var dx = Expr.Make(grouped, ImageBatching.ChannelsOfEachRow(all[0], Name), ImageBatching.FiltersOfEachRow(all[1], Name));
        return ImageBatching.RowsOfChannels(dx, rows, Name);
    }
}

public static partial class Ops
{
    /// <summary>The images' gradient of a convolution in <paramref name="geometry"/> of images shaped <paramref name="image"/>.</summary>
    internal static Expr Conv2DInputGradient(Expr g, Expr w, Conv2DGeometry geometry, Shape image, string where)
    {
        if (image[2] == Shape.Unknown || image[3] == Shape.Unknown)
        {
            throw new ShapeException($"{where}: the gradient with respect to the images needs their height and width known when the graph is built; given images {image} and filter {w.Shape}.");
        }
        return Expr.Make(new Conv2DInputGradientOp(geometry, image[2], image[3]), g, w);
    }

    /// <summary>
    /// The transposed convolution (PyTorch's <c>conv_transpose2d</c>, sometimes called deconvolution) of
    /// <paramref name="x"/> (N, K, H, W) with filters <paramref name="w"/> (K, C / groups, R, S): stride 1, no padding.
    /// </summary>
    public static Expr Conv2DTranspose(Expr x, Expr w) => Conv2DTranspose(x, w, Conv2DOptions.Default);

    /// <summary>The transposed convolution in the geometry of <paramref name="options"/>, without output padding.</summary>
    public static Expr Conv2DTranspose(Expr x, Expr w, Conv2DOptions options) => Conv2DTranspose(x, w, options, 0, 0);

    /// <summary>
    /// The transposed convolution of <paramref name="x"/> (N, K, H, W) with filters <paramref name="w"/>
    /// (K, C / groups, R, S): the gradient of <see cref="Conv2D(Expr, Expr, Conv2DOptions)"/> with respect to its
    /// images, so Conv2D in <paramref name="options"/> maps the result's shape back to x's. The result is
    /// (N, C, OH, OW) with OH = (H − 1)·stride − top − bottom + dilation·(R − 1) + 1 + <paramref name="outputPaddingH"/>,
    /// as PyTorch's <c>conv_transpose2d</c> (which names the padding of the convolution it transposes). With
    /// <see cref="Padding2D.Same"/> the result is H·stride by W·stride (TensorFlow's <c>conv2d_transpose</c>).
    /// The output padding (0 ≤ it &lt; stride) picks among the sizes a strided convolution maps to H.
    /// </summary>
    public static Expr Conv2DTranspose(Expr x, Expr w, Conv2DOptions options, int outputPaddingH, int outputPaddingW)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(options);
        const string op = "Conv2DTranspose";
        RequireImageAndFilter(op, x, w);
        if (x.Shape[2] == Shape.Unknown || x.Shape[3] == Shape.Unknown || w.Shape[2] == Shape.Unknown || w.Shape[3] == Shape.Unknown)
        {
            throw new ShapeException($"{op}: the input's and filter's height and width must be known when the graph is built; given input {x.Shape} and filter {w.Shape}.");
        }
        if (outputPaddingH < 0 || outputPaddingW < 0 || outputPaddingH >= Math.Max(options.StrideH, options.DilationH) || outputPaddingW >= Math.Max(options.StrideW, options.DilationW))
        {
            throw new ShapeException(
                $"{op}: expected output padding ≥ 0 and smaller than the stride or the dilation; given ({outputPaddingH}, {outputPaddingW}) with stride ({options.StrideH}, {options.StrideW}); input {x.Shape} and filter {w.Shape}.");
        }
        int r = w.Shape[2], s = w.Shape[3];
        Conv2DGeometry geometry;
        int height, width;
        if (options.Padding == Padding2D.Same)
        {
            (height, width) = (x.Shape[2] * options.StrideH + outputPaddingH, x.Shape[3] * options.StrideW + outputPaddingW);
            geometry = Conv2DGeometry.Resolve(options, height, width, r, s, op);
        }
        else
        {
            geometry = Conv2DGeometry.Resolve(options, Shape.Unknown, Shape.Unknown, r, s, op);
            height = (x.Shape[2] - 1) * geometry.StrideH - geometry.PadTop - geometry.PadBottom + geometry.DilationH * (r - 1) + 1 + outputPaddingH;
            width = (x.Shape[3] - 1) * geometry.StrideW - geometry.PadLeft - geometry.PadRight + geometry.DilationW * (s - 1) + 1 + outputPaddingW;
        }
        if (height <= 0 || width <= 0)
        {
            throw new ShapeException($"{op}: the padding leaves an output of {height} × {width}; given input {x.Shape}, filter {w.Shape} and {geometry}.");
        }
        return Expr.Make(new Conv2DInputGradientOp(geometry, height, width), x, w);
    }
}
