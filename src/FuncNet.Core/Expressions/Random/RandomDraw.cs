using FuncNet.Lowering;
using FuncNet.Tensors;

namespace FuncNet.Expressions;

/// <summary>
/// What the random ops share: a key is an Int32 tensor of shape (2,) — two 32-bit words, JAX's raw key — or a
/// stack of keys of shape K ++ (2,), each of which draws its own tensor, so a draw of shape S gives K ++ S. That
/// is also their batching rule: a batch of keys is a leading key axis. Random ops have no gradient with respect
/// to the key (it is a discrete seed, not a quantity), and none flows through them.
/// </summary>
internal static class RandomDraw
{
    /// <summary>The keys' leading shape K, after checking the key's dtype and last axis; errors name the op.</summary>
    public static Shape KeysShape(string op, Shape key, DType dtype)
    {
        if (dtype != DType.Int32)
        {
            throw new DTypeException($"{op}: expected an Int32 key (from Ops.RandomKey or Ops.SplitKey); given a {dtype} key of shape {key}.");
        }
        if (key.Rank == 0 || key[-1] != 2)
        {
            throw new ShapeException($"{op}: expected a key of shape (2,), or keys of shape (…, 2); given shape {key}.");
        }
        return new Shape(key.Take(key.Rank - 1).ToArray());
    }

    /// <summary>The output shape K ++ <paramref name="draw"/> for a draw of shape <paramref name="draw"/> from keys of shape K ++ (2,).</summary>
    public static Shape Infer(string op, Shape key, DType keyDType, IntList draw) =>
        new([.. KeysShape(op, key, keyDType), .. draw]);

    /// <summary>The lowering of a draw of <paramref name="distribution"/> from a key tensor of shape <paramref name="key"/> into <paramref name="shape"/>.</summary>
    public static RandomKind Kind(RandomDistribution distribution, double p, Shape key, Shape shape)
    {
        var keys = key.Size / 2;
        return new(distribution, p, keys, keys == 0 ? 0 : shape.Size / keys);
    }

    /// <summary>The reference kernel of a value draw: element i of key k lands at k · PerKey + i.</summary>
    public static Tensor Reference(Tensor key, Shape outputShape, DType dtype, RandomKind kind)
    {
        var keys = Philox.Keys(key);
        var result = new double[outputShape.Size];
        for (var k = 0; k < keys.Length; k++)
        {
            for (var i = 0; i < kind.PerKey; i++) { result[k * kind.PerKey + i] = kind.Sample(keys[k], i, dtype); }
        }
        return Tensor.FromSpan(outputShape, result, dtype);
    }

    /// <summary>Checks a draw's shape: every dimension known and non-negative; errors name the op.</summary>
    public static IntList Dims(string op, IReadOnlyList<int> dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        if (dims.Any(d => d < 0))
        {
            throw new ShapeException($"{op}: expected a shape of known, non-negative dimensions; given ({string.Join(", ", dims)}).");
        }
        _ = new Shape(dims.ToArray()).Size;
        return new IntList(dims);
    }
}
