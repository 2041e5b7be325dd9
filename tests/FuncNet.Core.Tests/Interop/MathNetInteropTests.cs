using MathNet.Numerics.LinearAlgebra;
using static FuncNet.Ops;

namespace FuncNet.Tests.Interop;

/// <summary>Tensor ↔ MathNet matrices and vectors: same indices despite column-major storage, always copies, dtypes kept, bad ranks and feeds named.</summary>
public class MathNetInteropTests
{
    // Not symmetric, so a transposed copy could not pass.
    private static readonly double[,] Values = { { 1, 2, 3 }, { 4, 5, 6 } };

    [Fact]
    public void MatrixElementIJIsTensorElementIJ()
    {
        var m = Matrix<double>.Build.DenseOfArray(Values);
        var t = m.ToTensor();
        Assert.Equal(Shape.Of(2, 3), t.Shape);
        Assert.Equal(DType.Float64, t.DType);
        for (var i = 0; i < 2; i++)
        {
            for (var j = 0; j < 3; j++) { Assert.Equal(m[i, j], t[i, j]); }
        }
        Assert.Equal(new[] { 1.0, 2, 3, 4, 5, 6 }, t.ToDoubleArray());
        var back = t.ToMatrix();
        Assert.Equal(m, back);
        Assert.Equal(Values, back.ToArray());
    }

    [Fact]
    public void ConversionsCopyInBothDirections()
    {
        var m = Matrix<double>.Build.DenseOfArray(Values);
        var t = m.ToTensor();
        m[0, 0] = 100;
        Assert.Equal(1.0, t[0, 0]);
        var again = t.ToMatrix();
        again[1, 2] = -1;
        Assert.Equal(6.0, t[1, 2]);
        Assert.Equal(6.0, t.ToMatrix()[1, 2]);
        var v = Vector<double>.Build.DenseOfArray([1.0, 2.0]);
        var tv = v.ToTensor();
        v[0] = 9;
        Assert.Equal(1.0, tv[0]);
    }

    [Fact]
    public void SingleAndDoubleKeepTheirDTypes()
    {
        var f = Matrix<float>.Build.DenseOfArray(new float[,] { { 1.5f, -2f }, { 0.25f, 8f } });
        var t = f.ToTensor();
        Assert.Equal(DType.Float32, t.DType);
        Assert.Equal(new[] { 1.5f, -2f, 0.25f, 8f }, t.ToFloatArray());
        Assert.Equal(f, t.ToSingleMatrix());
        var v = Vector<float>.Build.DenseOfArray([3f, 4f]).ToTensor();
        Assert.Equal(DType.Float32, v.DType);
        Assert.Equal(Shape.Of(2), v.Shape);
        Assert.Equal(new[] { 3f, 4f }, v.ToSingleVector().ToArray());
        var d = Vector<double>.Build.DenseOfArray([0.5, -1.0, 2.0]).ToTensor();
        Assert.Equal(DType.Float64, d.DType);
        Assert.Equal(new[] { 0.5, -1.0, 2.0 }, d.ToVector().ToArray());
        // A Float32 tensor read as a double matrix is widened, not reinterpreted.
        Assert.Equal(1.5, t.ToMatrix()[0, 0]);
    }

    [Fact]
    public void SparseMatricesAreDensified()
    {
        var s = Matrix<double>.Build.Sparse(2, 3);
        s[1, 2] = 7;
        var t = s.ToTensor();
        Assert.Equal(new[] { 0.0, 0, 0, 0, 0, 7 }, t.ToDoubleArray());
    }

    [Fact]
    public void ConvertedValuesFeedAndComputeAsAnyTensor()
    {
        var x = Expr.Placeholder("x", -1, 3);
        var w = Matrix<double>.Build.DenseOfArray(new double[,] { { 1, 0 }, { 0, 1 }, { 1, 1 } });
        var y = MatMul(x, Expr.Constant(w.ToTensor()));
        var m = Matrix<double>.Build.DenseOfArray(Values);
        Assert.Equal(m * w, y.Eval((x, m.ToTensor())).ToMatrix());
    }

    [Fact]
    public void AMatrixOfTheWrongShapeFailsLikeAnyFeedNamingBothShapes()
    {
        var x = Expr.Placeholder("x", -1, 3);
        var wrong = Matrix<double>.Build.Dense(2, 4);
        var e = Assert.Throws<ShapeException>(() => (x * 2.0).Eval((x, wrong.ToTensor())));
        Assert.Contains("'x'", e.Message);
        Assert.Contains("(?, 3)", e.Message);
        Assert.Contains("(2, 4)", e.Message);
    }

    [Fact]
    public void ATensorOfTheWrongRankSaysWhatItNeeds()
    {
        var e = Assert.Throws<ShapeException>(() => Tensor.FromArray(new[] { 1.0, 2.0 }).ToMatrix());
        Assert.Contains("rank-2", e.Message);
        Assert.Contains("(2,)", e.Message);
        Assert.Throws<ShapeException>(() => Tensor.FromArray(Values).ToVector());
        Assert.Throws<ShapeException>(() => Tensor.Scalar(1.0).ToSingleVector());
        Assert.Throws<ShapeException>(() => Tensor.Scalar(1.0).ToSingleMatrix());
    }
}
