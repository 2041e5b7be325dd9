
namespace FuncNet.Lowering;

/// <summary>What a random kernel draws.</summary>
internal enum RandomDistribution
{
    /// <summary>Uniform in [0, 1).</summary>
    Uniform,
    /// <summary>Standard normal (Box–Muller).</summary>
    Normal,
    /// <summary>1 with probability P, else 0.</summary>
    Bernoulli,
    /// <summary>New keys: two Int32 words per element.</summary>
    Split,
}

/// <summary>
/// A counter-based draw: element i of key k (k &lt; <see cref="Keys"/>, i &lt; <see cref="PerKey"/>) is a pure
/// function of key k's two words and i through Philox4x32-10, so any backend computes any element on its own and
/// all agree bit for bit. <see cref="Sample"/> is that function for the value draws, shared by the reference
/// kernels and the managed CPU kernel; a split writes the words of <see cref="Philox.SplitBlock"/>.
/// </summary>
/// <param name="Distribution">What is drawn.</param>
/// <param name="P">The probability of a Bernoulli 1 (unused otherwise).</param>
/// <param name="Keys">How many keys (the product of the key tensor's leading axes).</param>
/// <param name="PerKey">Elements drawn from each key (for a split: keys made from each).</param>
internal sealed record RandomKind(RandomDistribution Distribution, double P, int Keys, int PerKey) : KernelKind
{
    /// <summary>The value of element <paramref name="index"/> under <paramref name="key"/>, in <paramref name="dtype"/>'s precision.</summary>
    public double Sample((uint K0, uint K1) key, int index, DType dtype)
    {
        var (w0, w1, w2, w3) = Philox.Draw(key, index);
        var f32 = dtype == DType.Float32;
        switch (Distribution)
        {
            case RandomDistribution.Uniform:
                return f32 ? Philox.Uniform24(w0) : Philox.Uniform53(w0, w1);
            case RandomDistribution.Normal:
                var (u1, u2) = f32 ? (Philox.Uniform24(w0), Philox.Uniform24(w1)) : (Philox.Uniform53(w0, w1), Philox.Uniform53(w2, w3));
                return Math.Sqrt(-2.0 * Math.Log(1.0 - u1)) * Math.Cos(2.0 * Math.PI * u2);
            case RandomDistribution.Bernoulli:
                return Philox.Uniform53(w0, w1) < P ? 1 : 0;
            default:
                throw new InvalidOperationException("a split draws keys, not values");
        }
    }

    /// <inheritdoc />
    public override string Describe() => $"random {Distribution} of {Keys} × {PerKey}";
}
