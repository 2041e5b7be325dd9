using FuncNet.Tensors;

namespace FuncNet.Lowering;

/// <summary>
/// A row-major (batched) matrix product C = Alpha·op(A)·op(B) + Beta·C. Batch b reads A from element
/// <see cref="OffsetsA"/>[b] and B from <see cref="OffsetsB"/>[b] and writes C from b·M·N.
/// </summary>
/// <param name="TransposeA">A is read transposed.</param>
/// <param name="TransposeB">B is read transposed.</param>
/// <param name="M">Rows of C.</param>
/// <param name="N">Columns of C.</param>
/// <param name="K">The shared inner dimension (0 makes C zero).</param>
/// <param name="Lda">A's leading dimension (its stored row length).</param>
/// <param name="Ldb">B's leading dimension.</param>
/// <param name="OffsetsA">A's element offset for each batch (a broadcast batch repeats an offset).</param>
/// <param name="OffsetsB">B's element offset for each batch.</param>
/// <param name="StrideA">The element stride between A's batches when they are regular (0 when broadcast), else -1.</param>
/// <param name="StrideB">The same for B.</param>
/// <param name="Alpha">The scale of the product.</param>
/// <param name="Beta">The scale of C's previous value (0: C is only written).</param>
internal sealed record GemmKind(
    bool TransposeA, bool TransposeB, int M, int N, int K, int Lda, int Ldb,
    int[] OffsetsA, int[] OffsetsB, long StrideA, long StrideB, double Alpha, double Beta) : KernelKind
{
    /// <summary>C's leading dimension: C is dense.</summary>
    public int Ldc => N;

    /// <summary>How many products: one per (broadcast) batch.</summary>
    public int Batches => OffsetsA.Length;

    /// <summary>
    /// The product of <paramref name="a"/> and <paramref name="b"/> (each of rank ≥ 2, leading axes
    /// broadcast) into <paramref name="shape"/>, with A, B read transposed as flagged.
    /// </summary>
    public static GemmKind For(bool transposeA, bool transposeB, Shape a, Shape b, Shape shape)
    {
        var batchShape = new Shape(shape.Take(shape.Rank - 2).ToArray());
        int sizeA = a[-2] * a[-1], sizeB = b[-2] * b[-1];
        var offsetsA = Broadcasting.SourceIndices(new Shape(a.Take(a.Rank - 2).ToArray()), batchShape).Select(i => i * sizeA).ToArray();
        var offsetsB = Broadcasting.SourceIndices(new Shape(b.Take(b.Rank - 2).ToArray()), batchShape).Select(i => i * sizeB).ToArray();
        return new GemmKind(transposeA, transposeB, shape[-2], shape[-1], transposeA ? a[-2] : a[-1], a[-1], b[-1],
                            offsetsA, offsetsB, Stride(offsetsA, sizeA), Stride(offsetsB, sizeB), 1, 0);
    }

    /// <summary>The element stride between batches, or -1 when the offsets are irregular (a broadcast in some but not all batch axes).</summary>
    private static long Stride(int[] offsets, int size)
    {
        if (offsets.All(o => o == 0)) { return 0; }
        for (var b = 0; b < offsets.Length; b++)
        {
            if (offsets[b] != (long)b * size) { return -1; }
        }
        return size;
    }

    /// <inheritdoc />
    public override string Describe() => $"gemm {M}×{N}×{K}{(TransposeA ? " Aᵀ" : "")}{(TransposeB ? " Bᵀ" : "")}{(Batches > 1 ? $" ×{Batches}" : "")}";
}
