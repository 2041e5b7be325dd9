namespace FuncNet.Tests.Tensors;

/// <summary>Construction, row-major layout, numpy-style printing and the tolerance helpers.</summary>
public class TensorTests
{
    [Fact]
    public void ConstructionFromOneDimensionalArray()
    {
        var t = Tensor.FromArray(new[] { 1.0, 2.0, 3.0 });
        Assert.Equal(Shape.Of(3), t.Shape);
        Assert.Equal(DType.Float64, t.DType);
        Assert.Equal(new[] { 1.0, 2.0, 3.0 }, t.ToDoubleArray());
        Assert.Equal(DType.Float32, Tensor.FromArray(new[] { 1f }).DType);
        Assert.Equal(DType.Int32, Tensor.FromArray(new[] { 1 }).DType);
    }

    [Fact]
    public void ConstructionFromRectangularAndJaggedArraysIsRowMajor()
    {
        var rect = Tensor.FromArray(new[,] { { 1.0, 2.0, 3.0 }, { 4.0, 5.0, 6.0 } });
        var jagged = Tensor.FromArray(new[] { new[] { 1.0, 2.0, 3.0 }, new[] { 4.0, 5.0, 6.0 } });
        Assert.Equal(Shape.Of(2, 3), rect.Shape);
        Assert.Equal(rect, jagged);
        Assert.Equal(new[] { 1.0, 2.0, 3.0, 4.0, 5.0, 6.0 }, rect.ToArray<double>());
        Assert.Equal(6.0, rect[1, 2]);
        Assert.Equal(2.0, rect[0, 1]);
        Assert.Equal(new[,] { { 1.0, 2.0, 3.0 }, { 4.0, 5.0, 6.0 } }, rect.ToArray2D());
    }

    [Fact]
    public void NonRectangularJaggedArrayThrowsShapeException()
    {
        var e = Assert.Throws<ShapeException>(() => Tensor.FromArray(new[] { new[] { 1.0, 2.0 }, new[] { 3.0 } }));
        Assert.Contains("row 1", e.Message);
    }

    [Fact]
    public void ConstructionFromSpansAndScalars()
    {
        ReadOnlySpan<double> values = [1, 2, 3, 4, 5, 6];
        var t = Tensor.Create(Shape.Of(3, 2), values);
        Assert.Equal(5.0, t[2, 0]);
        double[] eight = [1, 2, 3, 4, 5, 6, 7, 8];
        Assert.Throws<ShapeException>(() => Tensor.Create(Shape.Of(3, 2), eight));
        var s = Tensor.Scalar(2.5);
        Assert.Equal(0, s.Rank);
        Assert.Equal(1, s.Size);
        Assert.Equal(2.5, s.ToScalar());
        Assert.Equal(Shape.Scalar, s.Shape);
        Tensor implicitScalar = 4.0;
        Assert.Equal(4.0, implicitScalar.ToScalar());
        Assert.Equal(new[] { 3, 4 }, Tensor.Create(Shape.Of(2), [3.4, 4.0]).Cast(DType.Int32).ToIntArray());
    }

    [Fact]
    public void PrintsLikeNumpy()
    {
        Assert.Equal("[[1. 2.]\n [3. 4.]]", Tensor.FromArray(new[,] { { 1.0, 2.0 }, { 3.0, 4.0 } }).ToString());
        Assert.Equal("[[ 1. -2.]\n [ 3.  4.]]", Tensor.FromArray(new[,] { { 1.0, -2.0 }, { 3.0, 4.0 } }).ToString());
        Assert.Equal("[[[1. 2.]\n  [3. 4.]]\n\n [[5. 6.]\n  [7. 8.]]]", Tensor.Create(Shape.Of(2, 2, 2), [1.0, 2, 3, 4, 5, 6, 7, 8]).ToString());
        Assert.Equal("[1 2 3]", Tensor.FromArray(new[] { 1, 2, 3 }).ToString());
        Assert.Equal("2.5", Tensor.Scalar(2.5).ToString());
        // numpy aligns the decimal points: the integer parts pad left, the fractions pad right.
        Assert.Equal("[0.5  1.25]", Tensor.FromArray(new[] { 0.5, 1.25 }).ToString());
        Assert.Equal("[ 1.5  -2.25]", Tensor.FromArray(new[] { 1.5, -2.25 }).ToString());
    }

    [Fact]
    public void ToleranceHelpers()
    {
        var a = Tensor.FromArray(new[] { 1.0, 100.0, double.NaN });
        var b = Tensor.FromArray(new[] { 1.0 + 1e-9, 100.0 + 1e-4, double.NaN });
        Assert.True(a.AllClose(b, rtol: 1e-5, atol: 1e-8));
        Assert.False(a.AllClose(b, rtol: 1e-7, atol: 1e-8));
        Assert.True(a.AllClose(b, rtol: 0, atol: 2e-4));
        Assert.False(a.AllClose(Tensor.FromArray(new[] { 1.0, 100.0, 0.0 })));
        Assert.False(a.AllClose(Tensor.FromArray(new[] { 1.0, 100.0 })));
        Assert.Equal(1e-4, Tensor.FromArray(new[] { 1.0, 100.0 }).MaxAbsDifference(Tensor.FromArray(new[] { 1.0, 100.0 + 1e-4 })), 10);
        Assert.Throws<ShapeException>(() => a.MaxAbsDifference(Tensor.FromArray(new[] { 1.0 })));
        Assert.Equal(a, Tensor.FromArray(new[] { 1.0, 100.0, double.NaN }));
        Assert.NotEqual(a, b);
    }
}
