using FuncNet.Expressions;
using FuncNet.Lowering;
using FuncNet.Tensors;

namespace FuncNet;

/// <summary>
/// Standard normal numbers of shape Dims per key, by the Box–Muller transform of two uniforms from one Philox
/// block: √(−2 ln(1 − u₁)) · cos(2π u₂), with 24-bit uniforms (Float32) or 53-bit ones (Float64), computed in
/// double and rounded once. The uniforms are the same bits on every backend; the logarithm and cosine are the
/// platform's, so CUDA may differ from the CPU in the last unit.
/// </summary>
internal sealed record RandomNormalOp(IntList Dims, DType ResultDType) : Op
{
    public override string Name => "RandomNormal";

    internal override (Shape, DType) Infer(IReadOnlyList<Shape> shapes, IReadOnlyList<DType> dtypes) =>
        (RandomDraw.Infer(Name, shapes[0], dtypes[0], Dims), ResultDType);

    // Lowering: a counter-based draw (uniform bits identical on every backend).
    internal override KernelKind Lower(IReadOnlyList<Shape> inputs, IReadOnlyList<DType> dtypes, Shape shape, DType dtype) =>
        RandomDraw.Kind(RandomDistribution.Normal, 0, inputs[0], shape);

    internal override Tensor Reference(IReadOnlyList<Tensor> inputs, Shape outputShape, DType outputDType) =>
        RandomDraw.Reference(inputs[0], outputShape, outputDType, RandomDraw.Kind(RandomDistribution.Normal, 0, inputs[0].Shape, outputShape));

    internal override Expr?[] Vjp(Expr node, Expr gradient) => [null];

    internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents) => null;

    internal override string Format(IReadOnlyList<string> inputs) => $"RandomNormal({inputs[0]}, {Dims}, {ResultDType})";

    // Batching: a batch of keys is a leading key axis.
    internal override Expr Batch(Expr node, IReadOnlyList<Expr> inputs, IReadOnlyList<bool> batched) => Expr.Make(this, inputs[0]);
}

public static partial class Ops
{
    /// <summary>
    /// Standard normal numbers of shape <paramref name="shape"/> in <paramref name="dtype"/>, a pure function of
    /// <paramref name="key"/> (Philox4x32-10 and Box–Muller). Keys of shape K ++ (2,) draw one tensor each. No
    /// gradient flows to the key.
    /// </summary>
    public static Expr RandomNormal(Expr key, IReadOnlyList<int> shape, DType dtype)
    {
        ArgumentNullException.ThrowIfNull(key);
        RequireFloat("RandomNormal", dtype);
        return Expr.Make(new RandomNormalOp(RandomDraw.Dims("RandomNormal", shape), dtype), key);
    }

    /// <summary>Normal numbers with mean <paramref name="mean"/> and standard deviation <paramref name="stddev"/>.</summary>
    public static Expr RandomNormal(Expr key, IReadOnlyList<int> shape, DType dtype, double mean, double stddev) =>
        mean + stddev * RandomNormal(key, shape, dtype);
}
