namespace FuncNet;

public static partial class Ops
{
    /// <summary>
    /// A random key from a seed, as JAX's <c>PRNGKey</c>: a constant Int32 tensor of shape (2,) holding the seed's
    /// high and low 32 bits. Random ops are pure functions of their key (the same key draws the same numbers, on
    /// every backend); split a key with <see cref="SplitKey"/> rather than reusing it for independent draws.
    /// </summary>
    public static Expr RandomKey(long seed) => Expr.Constant(RandomKeyValue(seed));

    /// <summary>The value of <see cref="RandomKey"/>: the Int32 tensor [seed's high word, seed's low word].</summary>
    public static Tensor RandomKeyValue(long seed) =>
        Tensor.FromArray(new[] { unchecked((int)(seed >> 32)), unchecked((int)seed) });
}
