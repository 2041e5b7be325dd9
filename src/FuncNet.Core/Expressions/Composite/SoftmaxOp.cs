using FuncNet.Expressions;
using FuncNet.Lowering;

namespace FuncNet;

/// <summary>exp(x − max) / Σ exp(x − max) along an axis: finite for any finite logits.</summary>
internal sealed record SoftmaxOp(int Axis) : Op
{
    public override string Name => "Softmax";

    // Lowering: rows along the last axis; other axes run the reference kernel.
    internal override KernelKind Lower(IReadOnlyList<Shape> inputs, IReadOnlyList<DType> dtypes, Shape shape, DType dtype) =>
        RowSoftmaxKind.Along(inputs[0], Axis, log: false);

    internal override (Shape, DType) Infer(IReadOnlyList<Shape> shapes, IReadOnlyList<DType> dtypes) => (shapes[0], RequireSameFloat(dtypes));

    internal override Tensor Reference(IReadOnlyList<Tensor> inputs, Shape outputShape, DType outputDType) =>
        AlongAxis.Map(inputs[0], Axis, outputDType, (row, result) =>
        {
            var max = AlongAxis.Max(row);
            var sum = 0.0;
            for (var i = 0; i < row.Length; i++) { result[i] = Math.Exp(row[i] - max); sum += result[i]; }
            for (var i = 0; i < row.Length; i++) { result[i] /= sum; }
        });

    // dx = y ⊙ (g − Σ g⊙y)
    internal override Expr?[] Vjp(Expr node, Expr gradient) =>
        [node * (gradient - Ops.ReduceSum(gradient * node, [Axis], true))];

    internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents) =>
        tangents[0] is { } t ? node * (t - Ops.ReduceSum(t * node, [Axis], true)) : null;

    internal override string Format(IReadOnlyList<string> inputs) => $"Softmax({inputs[0]}, {Axis})";

    // Batching: the axis moves past the batch axis.
    internal override Expr Batch(Expr node, IReadOnlyList<Expr> inputs, IReadOnlyList<bool> batched) =>
        Expr.Make(this with { Axis = Axis + 1 }, inputs[0]);
}

public static partial class Ops
{
    /// <summary>The softmax along <paramref name="axis"/> (default the last), computed stably: logits of ±1000 give finite results.</summary>
    public static Expr Softmax(Expr logits, int axis) => Expr.Make(new SoftmaxOp(logits.Shape.NormalizeAxis(axis, "Softmax")), logits);

    /// <summary>The softmax along the last axis.</summary>
    public static Expr Softmax(Expr logits) => Softmax(logits, -1);
}
