namespace FuncNet.Backends.Cuda;

/// <summary>
/// How a generated elementwise kernel reads one input for output element i, with the output seen as
/// rows × inner: <see cref="BroadcastLayout"/>'s four layouts (same values, same order), plus a general strided read for every other broadcast
/// (and transposes), which costs a division per axis.
/// </summary>
internal enum CudaLayout
{
    /// <summary>in[i]: same size as the output.</summary>
    Full,
    /// <summary>in[i % inner]: one row repeated (a bias).</summary>
    Row,
    /// <summary>in[i / inner]: one value per row.</summary>
    Column,
    /// <summary>in[0]: one value.</summary>
    Scalar,
    /// <summary>in[Σ coordinate(i, a) · stride[a]] with the strides passed as a <see cref="CudaStrides"/> argument.</summary>
    Strided,
}

/// <summary>
/// The output's dimensions and one input's element strides along them (0 on broadcast axes): the
/// <c>funcnet_strides</c> struct a strided input's kernel argument holds, laid out exactly as in CUDA C.
/// </summary>
internal sealed class CudaStrides
{
    /// <summary>The largest rank a strided read supports; higher ranks run the reference fallback.</summary>
    public const int MaxRank = 8;

    /// <summary>Creates the strides.</summary>
    public CudaStrides(long[] dims, long[] strides)
    {
        if (dims.Length != strides.Length || dims.Length > MaxRank)
        {
            throw new ArgumentException($"Strided reads take 0..{MaxRank} axes; given {dims.Length} dims and {strides.Length} strides.");
        }
        Dims = dims;
        Strides = strides;
    }

    /// <summary>The output's dimensions.</summary>
    public long[] Dims { get; }

    /// <summary>The input's element stride along each output axis.</summary>
    public long[] Strides { get; }

    /// <summary>The size in bytes of the struct: rank, then MaxRank dims, then MaxRank strides, all 64-bit.</summary>
    public const int ByteSize = 8 * (1 + 2 * MaxRank);

    /// <summary>Writes the struct's bytes as CUDA C lays it out.</summary>
    public void WriteTo(Span<byte> target)
    {
        var longs = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(target[..ByteSize]);
        longs.Clear();
        longs[0] = Dims.Length;
        for (var a = 0; a < Dims.Length; a++)
        {
            longs[1 + a] = Dims[a];
            longs[1 + MaxRank + a] = Strides[a];
        }
    }

    /// <summary>The input offset of output element <paramref name="i"/>: the same arithmetic as the device's <c>funcnet_offset</c>.</summary>
    public long Offset(long i)
    {
        long offset = 0;
        for (var a = Dims.Length - 1; a >= 0; a--)
        {
            offset += i % Dims[a] * Strides[a];
            i /= Dims[a];
        }
        return offset;
    }

    /// <summary>The strides of an input broadcast (numpy rules, aligned at the right) to <paramref name="output"/>.</summary>
    public static CudaStrides Broadcast(Shape input, Shape output)
    {
        var dense = input.Strides();
        var off = output.Rank - input.Rank;
        var strides = new long[output.Rank];
        for (var a = off; a < output.Rank; a++)
        {
            strides[a] = input[a - off] == 1 && output[a] != 1 ? 0 : dense[a - off];
        }
        return new CudaStrides(output.Select(d => (long)d).ToArray(), strides);
    }
}
