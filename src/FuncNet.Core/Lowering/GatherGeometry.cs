namespace FuncNet.Lowering;

/// <summary>
/// The shape rule and the flat layout shared by <see cref="GatherOp"/> and its adjoint <see cref="ScatterAddOp"/>
/// (TensorFlow's <c>tf.gather</c> with <c>batch_dims</c>): x is viewed as [Batch, Outer, Length, Inner] around the
/// gathered axis, the indices as [Batch, Count], and the gathered tensor as [Batch, Outer, Count, Inner].
/// </summary>
internal readonly record struct GatherGeometry(int Batch, int Outer, int Length, int Inner, int Count)
{
    /// <summary>
    /// The gathered shape: x's axes before <paramref name="axis"/>, the indices' axes after the first
    /// <paramref name="batchDims"/> (which x and the indices share), then x's axes after <paramref name="axis"/>.
    /// </summary>
    public static Shape Gathered(string op, Shape x, Shape indices, int axis, int batchDims)
    {
        if (axis < batchDims || axis >= x.Rank || batchDims > indices.Rank)
        {
            throw new ShapeException(
                $"{op}: expected batch dims ≤ axis < rank of x and batch dims ≤ rank of the indices; given axis {axis}, batch dims {batchDims}, x of shape {x} and indices of shape {indices}.");
        }
        for (var a = 0; a < batchDims; a++)
        {
            if (!Shape.DimsCompatible(x[a], indices[a]))
            {
                throw new ShapeException(
                    $"{op}: the first {batchDims} axes of x and of the indices must agree (they are batch axes); given x of shape {x} and indices of shape {indices} (axis {a}).");
            }
        }
        return new Shape([.. x.Take(axis), .. indices.Skip(batchDims), .. x.Skip(axis + 1)]);
    }

    /// <summary>The layout of x of shape <paramref name="x"/> gathered by indices of shape <paramref name="indices"/>.</summary>
    public static GatherGeometry Of(Shape x, Shape indices, int axis, int batchDims)
    {
        static int Product(IEnumerable<int> dims) => dims.Aggregate(1, (p, d) => p * d);
        return new(Product(x.Take(batchDims)), Product(x.Skip(batchDims).Take(axis - batchDims)), x[axis],
                   Product(x.Skip(axis + 1)), Product(indices.Skip(batchDims)));
    }

    /// <summary>The flat position in x of element (b, o, index, i).</summary>
    public int Source(int b, int o, int index, int i) => ((b * Outer + o) * Length + index) * Inner + i;

    /// <summary>The flat position in the gathered tensor of element (b, o, k, i).</summary>
    public int Gathered(int b, int o, int k, int i) => ((b * Outer + o) * Count + k) * Inner + i;
}
