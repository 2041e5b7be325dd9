using FuncNet.Expressions;
using FuncNet.Lowering;

namespace FuncNet;

/// <summary>
/// Count new keys from each key (shape K ++ (2,) to K ++ (Count, 2)), JAX's <c>random.split</c>: child j is the
/// first two Philox words of counter (j, 0, split stream, 0), so child j does not depend on Count. No gradient.
/// </summary>
internal sealed record SplitKeyOp(int Count) : Op
{
    public override string Name => "SplitKey";

    internal override (Shape, DType) Infer(IReadOnlyList<Shape> shapes, IReadOnlyList<DType> dtypes) =>
        (new Shape([.. RandomDraw.KeysShape(Name, shapes[0], dtypes[0]), Count, 2]), DType.Int32);

    // Lowering: a counter-based draw of key words, the same on every backend.
    internal override KernelKind Lower(IReadOnlyList<Shape> inputs, IReadOnlyList<DType> dtypes, Shape shape, DType dtype) =>
        new RandomKind(RandomDistribution.Split, 0, inputs[0].Size / 2, Count);

    internal override Tensor Reference(IReadOnlyList<Tensor> inputs, Shape outputShape, DType outputDType)
    {
        var keys = Philox.Keys(inputs[0]);
        var result = new int[outputShape.Size];
        for (var k = 0; k < keys.Length; k++)
        {
            for (var j = 0; j < Count; j++)
            {
                var (w0, w1) = Philox.SplitBlock(keys[k], j);
                result[2 * (k * Count + j)] = unchecked((int)w0);
                result[2 * (k * Count + j) + 1] = unchecked((int)w1);
            }
        }
        return Tensor.Create(outputShape, result);
    }

    internal override Expr?[] Vjp(Expr node, Expr gradient) => [null];

    internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents) => null;

    internal override string Format(IReadOnlyList<string> inputs) => $"SplitKey({inputs[0]}, {Count})";

    // Batching: a batch of keys is a leading key axis.
    internal override Expr Batch(Expr node, IReadOnlyList<Expr> inputs, IReadOnlyList<bool> batched) => Expr.Make(this, inputs[0]);
}

public static partial class Ops
{
    /// <summary>
    /// <paramref name="count"/> new, independent keys from <paramref name="key"/> (shape (2,) to (count, 2); a stack
    /// of keys K ++ (2,) gives K ++ (count, 2)), as JAX's <c>random.split</c>. Key j is the same whatever the count,
    /// so <c>SplitKey(key, 3)</c> extends <c>SplitKey(key, 2)</c>. Take one with <see cref="KeyAt"/>.
    /// </summary>
    public static Expr SplitKey(Expr key, int count)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (count < 0)
        {
            throw new ShapeException($"SplitKey: expected a count ≥ 0; given {count} for a key of shape {key.Shape}.");
        }
        return Expr.Make(new SplitKeyOp(count), key);
    }

    /// <summary>Key <paramref name="index"/> of <c>SplitKey(key, index + 1)</c>: shape (2,) for a key of shape (2,).</summary>
    public static Expr KeyAt(Expr key, int index)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (index < 0)
        {
            throw new ShapeException($"KeyAt: expected an index ≥ 0; given {index} for a key of shape {key.Shape}.");
        }
        var keys = SplitKey(key, index + 1);
        var rank = keys.Rank;
        int[] begin = [.. Enumerable.Repeat(0, rank - 2), index, 0];
        int[] size = [.. Enumerable.Repeat(-1, rank - 2), 1, 2];
        return Reshape(Slice(keys, begin, size), key.Shape);
    }
}
