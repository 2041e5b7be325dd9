using FuncNet.Expressions;
using FuncNet.Lowering;

namespace FuncNet;

/// <summary>(x − max) − ln Σ exp(x − max) along an axis: the stable log of a softmax.</summary>
internal sealed record LogSoftmaxOp(int Axis) : Op
{
    public override string Name => "LogSoftmax";

    // Lowering: rows along the last axis; other axes run the reference kernel.
    internal override KernelKind Lower(IReadOnlyList<Shape> inputs, IReadOnlyList<DType> dtypes, Shape shape, DType dtype) =>
        RowSoftmaxKind.Along(inputs[0], Axis, log: true);

    internal override (Shape, DType) Infer(IReadOnlyList<Shape> shapes, IReadOnlyList<DType> dtypes) => (shapes[0], RequireSameFloat(dtypes));

    internal override Tensor Reference(IReadOnlyList<Tensor> inputs, Shape outputShape, DType outputDType) =>
        AlongAxis.Map(inputs[0], Axis, outputDType, (row, result) =>
        {
            var max = AlongAxis.Max(row);
            var sum = 0.0;
            for (var i = 0; i < row.Length; i++) { sum += Math.Exp(row[i] - max); }
            // Subtract the maximum first and the log-sum second: x − (max + log Σ) rounds max + log Σ back to
            // max when the logits are large (1e17), and every output becomes 0 instead of −log n.
            var log = Math.Log(sum);
            for (var i = 0; i < row.Length; i++) { result[i] = (row[i] - max) - log; }
        });

    // dx = g − softmax ⊙ Σ g
    internal override Expr?[] Vjp(Expr node, Expr gradient) =>
        [gradient - Ops.Exp(node) * Ops.ReduceSum(gradient, [Axis], true)];

    internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents) =>
        tangents[0] is { } t ? t - Ops.ReduceSum(Ops.Exp(node) * t, [Axis], true) : null;

    internal override string Format(IReadOnlyList<string> inputs) => $"LogSoftmax({inputs[0]}, {Axis})";

    // Batching: the axis moves past the batch axis.
    internal override Expr Batch(Expr node, IReadOnlyList<Expr> inputs, IReadOnlyList<bool> batched) =>
        Expr.Make(this with { Axis = Axis + 1 }, inputs[0]);
}

public static partial class Ops
{
    /// <summary>The log of the softmax along <paramref name="axis"/>, computed stably.</summary>
    public static Expr LogSoftmax(Expr logits, int axis) => Expr.Make(new LogSoftmaxOp(logits.Shape.NormalizeAxis(axis, "LogSoftmax")), logits);

    /// <summary>The log-softmax along the last axis.</summary>
    public static Expr LogSoftmax(Expr logits) => LogSoftmax(logits, -1);
}
