using FuncNet.Lowering;
using FuncNet.Expressions;

namespace FuncNet;

/// <summary>
/// The mean over each window of images (N, C, H, W), counting only real (unpadded) positions: TensorFlow's
/// <c>avg_pool</c>, PyTorch's <c>avg_pool2d</c> with <c>count_include_pad=False</c>. Linear, so its gradient
/// (<see cref="AvgPool2DGradientOp"/>) is its adjoint and the pair closes under differentiation.
/// </summary>
internal sealed record AvgPool2DOp(Pool2DGeometry Geometry) : Op
{
    public override string Name => "AvgPool2D";

    // Lowering: the average-pooling forward pass.
    internal override KernelKind Lower(IReadOnlyList<Shape> inputs, IReadOnlyList<DType> dtypes, Shape shape, DType dtype) =>
        new PoolingKind(Geometry, inputs[0], PoolingPass.AverageForward);

    internal override (Shape, DType) Infer(IReadOnlyList<Shape> shapes, IReadOnlyList<DType> dtypes) =>
        (Geometry.Check(Name, shapes[0]), RequireSameFloat(dtypes));

    internal override Tensor Reference(IReadOnlyList<Tensor> inputs, Shape outputShape, DType outputDType)
    {
        var x = inputs[0];
        var windows = Geometry.Windows(x.Shape);
        var y = new double[outputShape.Size];
        for (var o = 0; o < y.Length; o++)
        {
            var sum = 0.0;
            foreach (var i in windows[o]) { sum += x.GetDouble(i); }
            y[o] = sum / windows[o].Length;
        }
        return Tensor.FromSpan(outputShape, y, outputDType);
    }

    internal override Expr?[] Vjp(Expr node, Expr gradient)
    {
        var x = node.Inputs[0];
        return [Ops.AvgPool2DGradient(gradient, Geometry, x.Shape, Name)];
    }

    internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents) => tangents[0] is { } t ? Expr.Make(this, t) : null;

    internal override string Format(IReadOnlyList<string> inputs) => $"AvgPool2D({inputs[0]}, {Geometry})";

    // Batching: rows of images are more images.
    internal override Expr Batch(Expr node, IReadOnlyList<Expr> inputs, IReadOnlyList<bool> batched) =>
        ImageBatching.UnfoldImages(Expr.Make(this, ImageBatching.FoldIntoImages(inputs[0], Name)), inputs[0], Name);
}

public static partial class Ops
{
    /// <summary>The mean over <paramref name="kernel"/> × <paramref name="kernel"/> windows of images (N, C, H, W), moved by the window's size, unpadded.</summary>
    public static Expr AvgPool2D(Expr x, int kernel) => AvgPool2D(x, Pool2DOptions.Square(kernel, kernel, Padding2D.Valid));

    /// <summary>The mean over square windows moved by <paramref name="stride"/>, with the given padding.</summary>
    public static Expr AvgPool2D(Expr x, int kernel, int stride, Padding2D padding) => AvgPool2D(x, Pool2DOptions.Square(kernel, stride, padding));

    /// <summary>
    /// The mean over each window of images <paramref name="x"/> (N, C, H, W). Padded positions are not counted
    /// (TensorFlow's rule; PyTorch's <c>avg_pool2d</c> counts them unless <c>count_include_pad=False</c>). A window or
    /// stride below 1, padding not smaller than the window, or a window larger than the padded input is a
    /// <see cref="ShapeException"/>.
    /// </summary>
    public static Expr AvgPool2D(Expr x, Pool2DOptions options)
    {
        ArgumentNullException.ThrowIfNull(x);
        var geometry = Pool2DGeometry.Resolve(options, x.Rank == 4 ? x.Shape[2] : Shape.Unknown, x.Rank == 4 ? x.Shape[3] : Shape.Unknown, "AvgPool2D");
        return Expr.Make(new AvgPool2DOp(geometry), x);
    }

    /// <summary>
    /// The mean of each channel over its whole image: (N, C, H, W) → (N, C), Keras's <c>GlobalAveragePooling2D</c>.
    /// </summary>
    public static Expr GlobalAvgPool2D(Expr x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank != 4)
        {
            throw new ShapeException($"GlobalAvgPool2D: expected images (N, C, H, W) of rank 4; given shape {x.Shape}.");
        }
        return ReduceMean(x, 2, 3);
    }
}
