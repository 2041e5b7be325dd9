using FuncNet.Lowering;
using FuncNet.Expressions;

namespace FuncNet;

/// <summary>
/// The maximum over each window of images (N, C, H, W). Padded positions never win. The derivative routes through
/// the window's first maximum in row-major order (PyTorch's choice; unlike ReduceMax it does not share ties):
/// <see cref="MaxPool2DGradientOp"/> scatters gradients to those positions and <see cref="MaxPool2DSelectOp"/> gathers
/// tangents from them, two adjoint ops that close the family under differentiation.
/// </summary>
internal sealed record MaxPool2DOp(Pool2DGeometry Geometry) : Op
{
    public override string Name => "MaxPool2D";

    // Lowering: the max-pooling forward pass.
    internal override KernelKind Lower(IReadOnlyList<Shape> inputs, IReadOnlyList<DType> dtypes, Shape shape, DType dtype) =>
        new PoolingKind(Geometry, inputs[0], PoolingPass.MaxForward);

    internal override (Shape, DType) Infer(IReadOnlyList<Shape> shapes, IReadOnlyList<DType> dtypes) =>
        (Geometry.Check(Name, shapes[0]), RequireSameFloat(dtypes));

    internal override Tensor Reference(IReadOnlyList<Tensor> inputs, Shape outputShape, DType outputDType)
    {
        var x = inputs[0];
        var winners = Winners(Geometry, x);
        var y = new double[outputShape.Size];
        for (var o = 0; o < y.Length; o++) { y[o] = x.GetDouble(winners[o]); }
        return Tensor.FromSpan(outputShape, y, outputDType);
    }

    /// <summary>For each window of x, the flat index of its first maximum (a NaN wins, so that it propagates).</summary>
    internal static int[] Winners(Pool2DGeometry geometry, Tensor x)
    {
        var windows = geometry.Windows(x.Shape);
        var winners = new int[windows.Length];
        for (var o = 0; o < windows.Length; o++)
        {
            var best = windows[o][0];
            foreach (var i in windows[o])
            {
                double v = x.GetDouble(i), b = x.GetDouble(best);
                if (!double.IsNaN(b) && (v > b || double.IsNaN(v))) { best = i; }
            }
            winners[o] = best;
        }
        return winners;
    }

    internal override Expr?[] Vjp(Expr node, Expr gradient) => [Expr.Make(new MaxPool2DGradientOp(Geometry), node.Inputs[0], gradient)];

    internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents) =>
        tangents[0] is { } t ? Expr.Make(new MaxPool2DSelectOp(Geometry), node.Inputs[0], t) : null;

    internal override string Format(IReadOnlyList<string> inputs) => $"MaxPool2D({inputs[0]}, {Geometry})";

    // Batching: rows of images are more images.
    internal override Expr Batch(Expr node, IReadOnlyList<Expr> inputs, IReadOnlyList<bool> batched) =>
        ImageBatching.UnfoldImages(Expr.Make(this, ImageBatching.FoldIntoImages(inputs[0], Name)), inputs[0], Name);
}

public static partial class Ops
{
    /// <summary>The maximum over <paramref name="kernel"/> × <paramref name="kernel"/> windows of images (N, C, H, W), moved by the window's size, unpadded.</summary>
    public static Expr MaxPool2D(Expr x, int kernel) => MaxPool2D(x, Pool2DOptions.Square(kernel, kernel, Padding2D.Valid));

    /// <summary>The maximum over square windows moved by <paramref name="stride"/>, with the given padding.</summary>
    public static Expr MaxPool2D(Expr x, int kernel, int stride, Padding2D padding) => MaxPool2D(x, Pool2DOptions.Square(kernel, stride, padding));

    /// <summary>
    /// The maximum over each window of images <paramref name="x"/> (N, C, H, W), as PyTorch's <c>max_pool2d</c>:
    /// padded positions never win, and the gradient goes to the window's first maximum. A window or stride below 1,
    /// padding not smaller than the window, or a window larger than the padded input is a <see cref="ShapeException"/>.
    /// </summary>
    public static Expr MaxPool2D(Expr x, Pool2DOptions options)
    {
        ArgumentNullException.ThrowIfNull(x);
        var geometry = Pool2DGeometry.Resolve(options, x.Rank == 4 ? x.Shape[2] : Shape.Unknown, x.Rank == 4 ? x.Shape[3] : Shape.Unknown, "MaxPool2D");
        return Expr.Make(new MaxPool2DOp(geometry), x);
    }
}
