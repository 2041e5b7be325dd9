using FuncNet.Expressions;
using FuncNet.Lowering;

namespace FuncNet.Expressions;

/// <summary>
/// The gradient of <see cref="MaxPool2DOp"/>: from images x (N, C, H, W) and output gradients g (N, C, OH, OW), a
/// tensor of x's shape holding each g at its window's winner (summed where windows overlap), zero elsewhere. Linear
/// in g; piecewise constant in x, whose derivative is therefore zero.
/// </summary>
internal sealed record MaxPool2DGradientOp(Pool2DGeometry Geometry) : Op
{
    public override string Name => "MaxPool2DGradient";

    // Lowering: the max-pooling scatter pass.
    internal override KernelKind Lower(IReadOnlyList<Shape> inputs, IReadOnlyList<DType> dtypes, Shape shape, DType dtype) =>
        new PoolingKind(Geometry, inputs[0], PoolingPass.MaxGradient);

    internal override (Shape, DType) Infer(IReadOnlyList<Shape> shapes, IReadOnlyList<DType> dtypes)
    {
        var dtype = RequireSameFloat(dtypes);
        var expected = Geometry.Check(Name, shapes[0]);
        if (!shapes[1].IsCompatibleWith(expected))
        {
            throw new ShapeException($"{Name}: images {shapes[0]} pool to {expected}; given images {shapes[0]} and gradients {shapes[1]}.");
        }
        return (shapes[0], dtype);
    }

    internal override Tensor Reference(IReadOnlyList<Tensor> inputs, Shape outputShape, DType outputDType)
    {
        Tensor x = inputs[0], g = inputs[1];
        var winners = MaxPool2DOp.Winners(Geometry, x);
        var dx = new double[outputShape.Size];
        for (var o = 0; o < winners.Length; o++) { dx[winners[o]] += g.GetDouble(o); }
        return Tensor.FromSpan(outputShape, dx, outputDType);
    }

    internal override Expr?[] Vjp(Expr node, Expr gradient) => [null, Expr.Make(new MaxPool2DSelectOp(Geometry), node.Inputs[0], gradient)];

    internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents) =>
        tangents[1] is { } t ? Expr.Make(this, node.Inputs[0], t) : null;

    internal override string Format(IReadOnlyList<string> inputs) => $"MaxPool2DGradient({inputs[0]}, {inputs[1]}, {Geometry})";

    // Batching: rows of images (and of gradients) are more images.
    internal override Expr Batch(Expr node, IReadOnlyList<Expr> inputs, IReadOnlyList<bool> batched)
    {
        var all = Batching.AllBatched(inputs, batched);
        var folded = Expr.Make(this, ImageBatching.FoldIntoImages(all[0], Name), ImageBatching.FoldIntoImages(all[1], Name));
        return ImageBatching.UnfoldImages(folded, all[0], Name);
    }
}
