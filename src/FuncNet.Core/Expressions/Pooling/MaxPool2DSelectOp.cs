using FuncNet.Expressions;
using FuncNet.Lowering;

namespace FuncNet.Expressions;

/// <summary>
/// The forward derivative of <see cref="MaxPool2DOp"/>: from images x (N, C, H, W) and a tensor t of x's shape, t read
/// at each window's winner in x, shaped like the pooled output. The adjoint of <see cref="MaxPool2DGradientOp"/>.
/// </summary>
internal sealed record MaxPool2DSelectOp(Pool2DGeometry Geometry) : Op
{
    public override string Name => "MaxPool2DSelect";

    // Lowering: the max-pooling gather pass.
    internal override KernelKind Lower(IReadOnlyList<Shape> inputs, IReadOnlyList<DType> dtypes, Shape shape, DType dtype) =>
        new PoolingKind(Geometry, inputs[0], PoolingPass.MaxSelect);

    internal override (Shape, DType) Infer(IReadOnlyList<Shape> shapes, IReadOnlyList<DType> dtypes)
    {
        var dtype = RequireSameFloat(dtypes);
        var output = Geometry.Check(Name, shapes[0]);
        if (!shapes[1].IsCompatibleWith(shapes[0]))
        {
            throw new ShapeException($"{Name}: expected values of the images' shape; given images {shapes[0]} and values {shapes[1]}.");
        }
        return (output, dtype);
    }

    internal override Tensor Reference(IReadOnlyList<Tensor> inputs, Shape outputShape, DType outputDType)
    {
        Tensor x = inputs[0], t = inputs[1];
        var winners = MaxPool2DOp.Winners(Geometry, x);
        var y = new double[outputShape.Size];
        for (var o = 0; o < y.Length; o++) { y[o] = t.GetDouble(winners[o]); }
        return Tensor.FromSpan(outputShape, y, outputDType);
    }

    internal override Expr?[] Vjp(Expr node, Expr gradient) => [null, Expr.Make(new MaxPool2DGradientOp(Geometry), node.Inputs[0], gradient)];

    internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents) =>
        tangents[1] is { } t ? Expr.Make(this, node.Inputs[0], t) : null;

    internal override string Format(IReadOnlyList<string> inputs) => $"MaxPool2DSelect({inputs[0]}, {inputs[1]}, {Geometry})";

    // Batching: rows of images (and of values) are more images.
    internal override Expr Batch(Expr node, IReadOnlyList<Expr> inputs, IReadOnlyList<bool> batched)
    {
        var all = Batching.AllBatched(inputs, batched);
        var folded = Expr.Make(this, ImageBatching.FoldIntoImages(all[0], Name), ImageBatching.FoldIntoImages(all[1], Name));
        return ImageBatching.UnfoldImages(folded, all[0], Name);
    }
}
