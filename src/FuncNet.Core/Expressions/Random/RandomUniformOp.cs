using FuncNet.Expressions;
using FuncNet.Lowering;
using FuncNet.Tensors;

namespace FuncNet;

/// <summary>
/// Uniform numbers in [0, 1) of shape Dims per key: element i is Philox word 0 of counter i with 24 random bits
/// (Float32) or words 0 and 1 with 53 bits (Float64), exact in either type, so every backend yields the same bits.
/// </summary>
internal sealed record RandomUniformOp(IntList Dims, DType ResultDType) : Op
{
    public override string Name => "RandomUniform";

    internal override (Shape, DType) Infer(IReadOnlyList<Shape> shapes, IReadOnlyList<DType> dtypes) =>
        (RandomDraw.Infer(Name, shapes[0], dtypes[0], Dims), ResultDType);

    // Lowering: a counter-based draw, the same bits on every backend.
    internal override KernelKind Lower(IReadOnlyList<Shape> inputs, IReadOnlyList<DType> dtypes, Shape shape, DType dtype) =>
        RandomDraw.Kind(RandomDistribution.Uniform, 0, inputs[0], shape);

    internal override Tensor Reference(IReadOnlyList<Tensor> inputs, Shape outputShape, DType outputDType) =>
        RandomDraw.Reference(inputs[0], outputShape, outputDType, RandomDraw.Kind(RandomDistribution.Uniform, 0, inputs[0].Shape, outputShape));

    internal override Expr?[] Vjp(Expr node, Expr gradient) => [null];

    internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents) => null;

    internal override string Format(IReadOnlyList<string> inputs) => $"RandomUniform({inputs[0]}, {Dims}, {ResultDType})";

    // Batching: a batch of keys is a leading key axis.
    internal override Expr Batch(Expr node, IReadOnlyList<Expr> inputs, IReadOnlyList<bool> batched) => Expr.Make(this, inputs[0]);
}

public static partial class Ops
{
    /// <summary>
    /// Uniform numbers in [0, 1) of shape <paramref name="shape"/> in <paramref name="dtype"/> (Float32 or Float64),
    /// a pure function of <paramref name="key"/> (Philox4x32-10; the same bits on every backend). Keys of shape
    /// K ++ (2,) draw one tensor each: shape K ++ shape. No gradient flows to the key.
    /// </summary>
    public static Expr RandomUniform(Expr key, IReadOnlyList<int> shape, DType dtype)
    {
        ArgumentNullException.ThrowIfNull(key);
        RequireFloat("RandomUniform", dtype);
        return Expr.Make(new RandomUniformOp(RandomDraw.Dims("RandomUniform", shape), dtype), key);
    }

    /// <summary>Uniform numbers in [<paramref name="low"/>, <paramref name="high"/>): <c>low + (high − low) · RandomUniform(key, shape, dtype)</c>.</summary>
    public static Expr RandomUniform(Expr key, IReadOnlyList<int> shape, DType dtype, double low, double high) =>
        low + (high - low) * RandomUniform(key, shape, dtype);

    private static void RequireFloat(string op, DType dtype)
    {
        if (!dtype.IsFloat())
        {
            throw new DTypeException($"{op}: expected a Float32 or Float64 result; given {dtype}.");
        }
    }
}
