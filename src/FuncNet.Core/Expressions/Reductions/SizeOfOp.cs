using FuncNet.Lowering;
using FuncNet.Tensors;

namespace FuncNet.Expressions;

/// <summary>
/// The number of elements along some axes of x, as a scalar of x's dtype; x's values are not read. It lets
/// means over dimensions known only at run time (a batch) stay symbolic; constant folding replaces it
/// when the shape is known.
/// </summary>
internal sealed record SizeOfOp(IntList Axes) : Op
{
    public override string Name => "SizeOf";

    // Lowering: the count is known once the shapes are: a fill, reading nothing.
    internal override KernelKind Lower(IReadOnlyList<Shape> inputs, IReadOnlyList<DType> dtypes, Shape shape, DType dtype) =>
        new FillKind(Count(inputs[0]));

    internal override (Shape, DType) Infer(IReadOnlyList<Shape> shapes, IReadOnlyList<DType> dtypes) =>
        (Shape.Scalar, dtypes[0].IsFloat() ? dtypes[0] : DType.Float64);

    internal override Tensor Reference(IReadOnlyList<Tensor> inputs, Shape outputShape, DType outputDType) =>
        Tensor.Scalar(Count(inputs[0].Shape), outputDType);

    internal double Count(Shape shape) => Axes.Aggregate(1.0, (p, a) => p * shape[a]);

    internal override Expr?[] Vjp(Expr node, Expr gradient) => [null];

    internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents) => null;

    internal override string Format(IReadOnlyList<string> inputs) => $"SizeOf({inputs[0]}, {Axes})";

    // Batching: every row has the same size, so the result stays unbatched.
    internal override Expr Batch(Expr node, IReadOnlyList<Expr> inputs, IReadOnlyList<bool> batched) =>
        Expr.Make(new SizeOfOp(Batching.Shift(Axes)), inputs[0]);
}
