using FuncNet.Expressions;
using FuncNet.Lowering;
using FuncNet.Tensors;

namespace FuncNet;

/// <summary>
/// 1 with probability P, else 0, of shape Dims per key: element i is 1 when the 53-bit uniform of Philox words 0
/// and 1 of counter i is below P. The comparison is exact, so every backend and both float types give the same
/// mask from the same key.
/// </summary>
internal sealed record BernoulliOp(IntList Dims, double P, DType ResultDType) : Op
{
    public override string Name => "Bernoulli";

    internal override (Shape, DType) Infer(IReadOnlyList<Shape> shapes, IReadOnlyList<DType> dtypes) =>
        (RandomDraw.Infer(Name, shapes[0], dtypes[0], Dims), ResultDType);

    // Lowering: a counter-based draw, the same mask on every backend.
    internal override KernelKind Lower(IReadOnlyList<Shape> inputs, IReadOnlyList<DType> dtypes, Shape shape, DType dtype) =>
        RandomDraw.Kind(RandomDistribution.Bernoulli, P, inputs[0], shape);

    internal override Tensor Reference(IReadOnlyList<Tensor> inputs, Shape outputShape, DType outputDType) =>
        RandomDraw.Reference(inputs[0], outputShape, outputDType, RandomDraw.Kind(RandomDistribution.Bernoulli, P, inputs[0].Shape, outputShape));

    internal override Expr?[] Vjp(Expr node, Expr gradient) => [null];

    internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents) => null;

    internal override string Format(IReadOnlyList<string> inputs) => $"Bernoulli({inputs[0]}, {Dims}, {P}, {ResultDType})";

    // Batching: a batch of keys is a leading key axis.
    internal override Expr Batch(Expr node, IReadOnlyList<Expr> inputs, IReadOnlyList<bool> batched) => Expr.Make(this, inputs[0]);
}

public static partial class Ops
{
    /// <summary>
    /// 1 with probability <paramref name="p"/> and 0 otherwise, of shape <paramref name="shape"/> in
    /// <paramref name="dtype"/> (any dtype, Int32 included), a pure function of <paramref name="key"/>: the same
    /// mask on every backend and in either float type. <paramref name="p"/> outside [0, 1] is a
    /// <see cref="FuncNetException"/>. No gradient flows to the key or through the draw.
    /// </summary>
    public static Expr Bernoulli(Expr key, double p, IReadOnlyList<int> shape, DType dtype)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!(p >= 0 && p <= 1))
        {
            throw new FuncNetException($"Bernoulli: expected a probability in [0, 1]; given {p}.");
        }
        return Expr.Make(new BernoulliOp(RandomDraw.Dims("Bernoulli", shape), p, dtype), key);
    }
}
