using FuncNet.Lowering;
using FuncNet.Expressions;

namespace FuncNet;

/// <summary>
/// The gradient of <see cref="AvgPool2DOp"/>: output gradients g (N, C, OH, OW) spread evenly back over each
/// window's real positions, giving images (N, C, H, W). H and W are attributes: strided windows map several input
/// sizes to one output size.
/// </summary>
internal sealed record AvgPool2DGradientOp(Pool2DGeometry Geometry, int Height, int Width) : Op
{
    public override string Name => "AvgPool2DGradient";

    // Lowering: the average-pooling gradient pass; the pooled images are the result.
    internal override KernelKind Lower(IReadOnlyList<Shape> inputs, IReadOnlyList<DType> dtypes, Shape shape, DType dtype) =>
        new PoolingKind(Geometry, shape, PoolingPass.AverageGradient);

    internal override (Shape, DType) Infer(IReadOnlyList<Shape> shapes, IReadOnlyList<DType> dtypes)
    {
        var g = shapes[0];
        var dtype = RequireSameFloat(dtypes);
        if (g.Rank != 4)
        {
            throw new ShapeException($"{Name}: expected output gradients (N, C, OH, OW) of rank 4; given shape {g} for images of {Height} × {Width}.");
        }
        var image = Shape.Of(g[0], g[1], Height, Width);
        var expected = Geometry.Check(Name, image);
        if (!g.IsCompatibleWith(expected))
        {
            throw new ShapeException($"{Name}: images {image} pool to {expected}; given gradients {g}.");
        }
        return (image, dtype);
    }

    internal override Tensor Reference(IReadOnlyList<Tensor> inputs, Shape outputShape, DType outputDType)
    {
        var g = inputs[0];
        var windows = Geometry.Windows(outputShape);
        var dx = new double[outputShape.Size];
        for (var o = 0; o < windows.Length; o++)
        {
            var share = g.GetDouble(o) / windows[o].Length;
            foreach (var i in windows[o]) { dx[i] += share; }
        }
        return Tensor.FromSpan(outputShape, dx, outputDType);
    }

    internal override Expr?[] Vjp(Expr node, Expr gradient) => [Expr.Make(new AvgPool2DOp(Geometry), gradient)];

    internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents) => tangents[0] is { } t ? Expr.Make(this, t) : null;

    internal override string Format(IReadOnlyList<string> inputs) => $"AvgPool2DGradient({inputs[0]}, {Height} × {Width}, {Geometry})";

    // Batching: rows of gradients are more images.
    internal override Expr Batch(Expr node, IReadOnlyList<Expr> inputs, IReadOnlyList<bool> batched) =>
        ImageBatching.UnfoldImages(Expr.Make(this, ImageBatching.FoldIntoImages(inputs[0], Name)), inputs[0], Name);
}

public static partial class Ops
{
    /// <summary>The images' gradient of an average pooling in <paramref name="geometry"/> of images shaped <paramref name="image"/>.</summary>
    internal static Expr AvgPool2DGradient(Expr g, Pool2DGeometry geometry, Shape image, string where)
    {
        if (image[2] == Shape.Unknown || image[3] == Shape.Unknown)
        {
            throw new ShapeException($"{where}: the gradient needs the images' height and width known when the graph is built; given images {image} and gradients {g.Shape}.");
        }
        return Expr.Make(new AvgPool2DGradientOp(geometry, image[2], image[3]), g);
    }
}
