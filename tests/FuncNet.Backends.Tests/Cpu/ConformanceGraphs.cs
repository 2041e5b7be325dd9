using static FuncNet.Ops;

namespace FuncNet.Backends.Tests.Cpu;

/// <summary>
/// The conformance graphs every backend must agree with the Reference backend on (with their gradients), shared by
/// the conformance suite and the CUDA kernel compilation test, which compiles every kernel they need.
/// </summary>
public static class ConformanceGraphs
{
    public static Expr[] MultiLayerPerceptronStep(Expr[] x, DType dtype)
    {
        var h = Relu(MatMul(x[0], x[1]) + x[2]);
        var logits = MatMul(h, x[3]);
        var labels = OneHot(ArgMax(x[4]), 10, dtype);
        return [ReduceMean(SoftmaxCrossEntropyWithLogits(labels, logits)), h];
    }

    public static Expr[] FusedElementwiseWithEveryBroadcastLayout(Expr[] x, DType dtype) =>
        [
            Sigmoid(x[0] * x[1] + x[2]) - Tanh(x[0]) / (1.0 + Square(x[3])),    // row, column and scalar operands
            Softplus(x[0] - x[2]) * Exp(-Abs(x[1])),
            Where(Greater(x[0], x[2]), Elu(x[0]), LeakyRelu(x[1] * x[0], 0.1)),
            Maximum(x[0], x[1]) + Minimum(x[0], 0.25) + Pow(Square(x[0]) + 1.0, x[3]),
            x[0] + x[4],                                                       // a broadcast no fast layout covers
        ];

    public static Expr[] GemmWithTransposesBatchesAndVectors(Expr[] x, DType dtype) =>
        [
            MatMul(x[0], x[1]),
            MatMul(x[0], x[0], true, false),
            MatMul(x[1], x[1], false, true),
            MatMul(Transpose(x[1]), Transpose(x[0])),
            MatMul(x[2], x[3]),
            MatMul(x[0], x[4]),
            MatMul(x[4], x[1]),
        ];

    public static Expr[] ReductionsSoftmaxAndViews(Expr[] x, DType dtype) =>
        [
            ReduceSum(x[0], 1), ReduceMax(x[0], 0, 1), ReduceMean(x[0], [2], true), ReduceSum(x[0], 0, 2),
            Softmax(x[0]), LogSoftmax(x[0], 1), Reshape(x[0], 12, -1), ExpandDims(x[1], 0),
            BroadcastTo(x[1], Shape.Of(4, 5)), Transpose(Reshape(x[0], 6, 10)),
            Concat([x[1], x[1]], 0), Slice(x[0], [1, 0, 2], [1, -1, 2]),
        ];

    public static readonly IReadOnlyDictionary<string, Shape[]> Shapes = new Dictionary<string, Shape[]>
    {
        ["MultiLayerPerceptronStep"] = [Shape.Of(37, 50), Shape.Of(50, 33), Shape.Of(33), Shape.Of(33, 10), Shape.Of(37, 10)],
        ["FusedElementwiseWithEveryBroadcastLayout"] = [Shape.Of(6, 40), Shape.Of(6, 1), Shape.Of(40), Shape.Scalar, Shape.Of(3, 1, 1, 40)],
        ["GemmWithTransposesBatchesAndVectors"] = [Shape.Of(9, 70), Shape.Of(70, 5), Shape.Of(3, 4, 6), Shape.Of(6, 2), Shape.Of(70)],
        ["ReductionsSoftmaxAndViews"] = [Shape.Of(2, 3, 10), Shape.Of(5)],
    };

    /// <summary>Every graph by name, for tests that enumerate them.</summary>
    public static IEnumerable<(string Name, Func<Expr[], DType, Expr[]> Build)> All =>
        [("MultiLayerPerceptronStep", MultiLayerPerceptronStep), ("FusedElementwiseWithEveryBroadcastLayout", FusedElementwiseWithEveryBroadcastLayout), ("GemmWithTransposesBatchesAndVectors", GemmWithTransposesBatchesAndVectors), ("ReductionsSoftmaxAndViews", ReductionsSoftmaxAndViews)];
}
