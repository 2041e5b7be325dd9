namespace FuncNet.Expressions;

/// <summary>Reference-kernel helper: applies a function to every 1-D lane of a tensor along one axis.</summary>
internal static class AlongAxis
{
    public static Tensor Map(Tensor x, int axis, DType dtype, Action<double[], double[]> lane)
    {
        if (x.Size == 0)
        {
            // No lane has an element (and outer × inner need not fit an int when the empty axis is another).
            return Tensor.FromSpan(x.Shape, [], dtype);
        }
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

    /// <summary>The largest element of a lane, NaN when any is (Math.Max propagates NaN, as the CPU kernels' maximum does); −∞ for an empty lane, which no loop reads.</summary>
    public static double Max(double[] lane)
    {
        var max = double.NegativeInfinity;
        foreach (var v in lane)
        {
            max = Math.Max(max, v);
        }
        return max;
    }

    /// <summary>The tensor seen as (outer, length, inner) around <paramref name="axis"/>.</summary>
    public static (int Outer, int Length, int Inner) Split(Shape shape, int axis) =>
        (shape.Take(axis).Aggregate(1, (p, d) => p * d), shape[axis], shape.Skip(axis + 1).Aggregate(1, (p, d) => p * d));
}
