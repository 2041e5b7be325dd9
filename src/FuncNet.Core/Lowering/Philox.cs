namespace FuncNet.Lowering;

/// <summary>
/// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011): a counter-based
/// generator, a pure function of a 64-bit key and a 128-bit counter. Every random op draws element i from the
/// counter (i, 0, stream, 0) under its key, so any backend can compute any element independently and all
/// produce the same bits; the CUDA kernels state the same rounds in C (<c>CudaRandomKernels</c>).
/// </summary>
internal static class Philox
{
    /// <summary>The round multipliers and the Weyl key increments of Philox4x32.</summary>
    public const uint M0 = 0xD2511F53, M1 = 0xCD9E8D57, W0 = 0x9E3779B9, W1 = 0xBB67AE85;

    /// <summary>The stream word of the counter: draws and key splitting never share a counter.</summary>
    public const uint DrawStream = 0, SplitStream = 1;

    /// <summary>The four output words for counter (c0, c1, c2, c3) under key (k0, k1).</summary>
    public static (uint, uint, uint, uint) Block(uint k0, uint k1, uint c0, uint c1, uint c2, uint c3)
    {
        for (var round = 0; round < 10; round++)
        {
            var p0 = (ulong)M0 * c0;
            var p1 = (ulong)M1 * c2;
            (c0, c1, c2, c3) = ((uint)(p1 >> 32) ^ c1 ^ k0, (uint)p1, (uint)(p0 >> 32) ^ c3 ^ k1, (uint)p0);
            unchecked { k0 += W0; k1 += W1; }
        }
        return (c0, c1, c2, c3);
    }

    /// <summary>The words of element <paramref name="index"/> of a draw under <paramref name="key"/>.</summary>
    public static (uint, uint, uint, uint) Draw((uint K0, uint K1) key, int index) =>
        Block(key.K0, key.K1, (uint)index, 0, DrawStream, 0);

    /// <summary>The two words of child key <paramref name="index"/> split from <paramref name="key"/>.</summary>
    public static (uint, uint) SplitBlock((uint K0, uint K1) key, int index)
    {
        var (w0, w1, _, _) = Block(key.K0, key.K1, (uint)index, 0, SplitStream, 0);
        return (w0, w1);
    }

    /// <summary>A uniform number in [0, 1) with 24 random bits (every Float32 step of 2⁻²⁴), from one word.</summary>
    public static double Uniform24(uint w) => (w >> 8) * (1.0 / (1 << 24));

    /// <summary>A uniform number in [0, 1) with 53 random bits (every Float64 step of 2⁻⁵³), from two words.</summary>
    public static double Uniform53(uint hi, uint lo) => (((ulong)(hi >> 5) << 26) | (lo >> 6)) * (1.0 / (1UL << 53));

    /// <summary>The keys of a key tensor (shape K ++ (2,), Int32 words read as unsigned), one per leading position.</summary>
    public static (uint K0, uint K1)[] Keys(Tensor key)
    {
        var words = key.ToIntArray();
        var keys = new (uint, uint)[words.Length / 2];
        for (var k = 0; k < keys.Length; k++) { keys[k] = (unchecked((uint)words[2 * k]), unchecked((uint)words[2 * k + 1])); }
        return keys;
    }
}
