namespace FuncNet;

/// <summary>Reference-kernel helper: applies a function to every 1-D lane of a tensor along one axis.</summary>
internal static class AlongAxis
{
    public static Tensor Map(Tensor x, int axis, DType dtype, Action<double[], double[]> lane)
    {
        var (outer, length, inner) = Split(x.Shape, axis);
        var result = new double[x.Size];
        var row = new double[length];
        var output = new double[length];
        for (var o = 0; o < outer; o++)
        {
            for (var i = 0; i < inner; i++)
            {
                var start = o * length * inner + i;
                for (var j = 0; j < length; j++) { row[j] = x.GetDouble(start + j * inner); }
                lane(row, output);
                for (var j = 0; j < length; j++) { result[start + j * inner] = output[j]; }
            }
        }
        return Tensor.FromSpan(x.Shape, result, dtype);
    }

    /// <summary>The tensor seen as (outer, length, inner) around <paramref name="axis"/>.</summary>
    public static (int Outer, int Length, int Inner) Split(Shape shape, int axis) =>
        (shape.Take(axis).Aggregate(1, (p, d) => p * d), shape[axis], shape.Skip(axis + 1).Aggregate(1, (p, d) => p * d));
}
