using MathNet.Numerics.LinearAlgebra;

namespace FuncNet;

/// <summary>
/// Conversions between <see cref="Tensor"/> and MathNet.Numerics matrices and vectors. Indices mean the same
/// on both sides: element (i, j) of a matrix is element [i, j] of the rank-2 tensor, although MathNet stores
/// dense matrices column-major and a Tensor is row-major (the conversion reorders the storage, never the
/// indices). Every conversion copies: a Tensor is immutable and a MathNet matrix is mutable, so neither may
/// see the other's storage, and changing the matrix afterwards never changes the tensor. Matrix&lt;double&gt;
/// and Vector&lt;double&gt; give Float64 tensors, Matrix&lt;float&gt; and Vector&lt;float&gt; Float32 ones; a
/// converted tensor is fed to a placeholder like any other value, with the same shape and dtype checks.
/// </summary>
public static class MathNetInterop
{
    /// <summary>A Float64 tensor of shape (rows, columns) with the matrix's elements (copied; sparse matrices are densified).</summary>
    public static Tensor ToTensor(this Matrix<double> matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        return Tensor.Create(Shape.Of(matrix.RowCount, matrix.ColumnCount), matrix.ToRowMajorArray());
    }

    /// <summary>A Float32 tensor of shape (rows, columns) with the matrix's elements (copied).</summary>
    public static Tensor ToTensor(this Matrix<float> matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        return Tensor.Create(Shape.Of(matrix.RowCount, matrix.ColumnCount), matrix.ToRowMajorArray());
    }

    /// <summary>A Float64 tensor of shape (n,) with the vector's elements (copied).</summary>
    public static Tensor ToTensor(this Vector<double> vector)
    {
        ArgumentNullException.ThrowIfNull(vector);
        return Tensor.Create(Shape.Of(vector.Count), vector.ToArray());
    }

    /// <summary>A Float32 tensor of shape (n,) with the vector's elements (copied).</summary>
    public static Tensor ToTensor(this Vector<float> vector)
    {
        ArgumentNullException.ThrowIfNull(vector);
        return Tensor.Create(Shape.Of(vector.Count), vector.ToArray());
    }

    /// <summary>A new dense Matrix&lt;double&gt; from a rank-2 tensor (any dtype, converted to double).</summary>
    public static Matrix<double> ToMatrix(this Tensor tensor)
    {
        RequireRank(tensor, 2, "ToMatrix");
        return Matrix<double>.Build.DenseOfRowMajor(tensor.Shape[0], tensor.Shape[1], tensor.ToDoubleArray());
    }

    /// <summary>A new dense Matrix&lt;float&gt; from a rank-2 tensor (any dtype, converted to float).</summary>
    public static Matrix<float> ToSingleMatrix(this Tensor tensor)
    {
        RequireRank(tensor, 2, "ToSingleMatrix");
        return Matrix<float>.Build.DenseOfRowMajor(tensor.Shape[0], tensor.Shape[1], tensor.ToFloatArray());
    }

    /// <summary>A new dense Vector&lt;double&gt; from a rank-1 tensor (any dtype, converted to double).</summary>
    public static Vector<double> ToVector(this Tensor tensor)
    {
        RequireRank(tensor, 1, "ToVector");
        return Vector<double>.Build.DenseOfArray(tensor.ToDoubleArray());
    }

    /// <summary>A new dense Vector&lt;float&gt; from a rank-1 tensor (any dtype, converted to float).</summary>
    public static Vector<float> ToSingleVector(this Tensor tensor)
    {
        RequireRank(tensor, 1, "ToSingleVector");
        return Vector<float>.Build.DenseOfArray(tensor.ToFloatArray());
    }

    private static void RequireRank(Tensor tensor, int rank, string where)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Rank != rank)
        {
            throw new ShapeException(
                $"Tensor.{where}: expected a rank-{rank} tensor; given shape {tensor.Shape}. Reshape it first (Tensor.Reshape).");
        }
    }
}
