using System.Globalization;
using System.Text;

namespace FuncNet;

/// <summary>
/// An immutable, dense, row-major host value: a shape, a dtype and its elements. Build one from .NET arrays
/// (1-D, 2-D rectangular, jagged, spans, scalars) and read it back with <see cref="ToArray{T}"/> (flat,
/// row-major) or the typed helpers. Tensors never change; arithmetic on them goes through
/// <see cref="Expr"/> and is defined in Compilation/TensorArithmetic.cs, the layer that can evaluate one.
/// </summary>
public sealed partial class Tensor : IEquatable<Tensor>
{
    private readonly Array _data;

    private Tensor(Shape shape, DType dtype, Array data)
    {
        if (!shape.IsFullyKnown)
        {
            throw new ShapeException($"Tensor: a value needs a fully known shape; given {shape}.");
        }
        Shape = shape;
        DType = dtype;
        _data = data;
    }

    /// <summary>The shape.</summary>
    public Shape Shape { get; }

    /// <summary>The element type.</summary>
    public DType DType { get; }

    /// <summary>The number of elements.</summary>
    public int Size => _data.Length;

    /// <summary>The rank (number of axes).</summary>
    public int Rank => Shape.Rank;

    // ---- construction -------------------------------------------------------------------------------

    /// <summary>A Float64 scalar.</summary>
    public static Tensor Scalar(double value) => new(Shape.Scalar, DType.Float64, new[] { value });

    /// <summary>A scalar of the given dtype.</summary>
    public static Tensor Scalar(double value, DType dtype) => Filled(Shape.Scalar, dtype, value);

    /// <summary>A Float32 scalar.</summary>
    public static Tensor Scalar(float value) => new(Shape.Scalar, DType.Float32, new[] { value });

    /// <summary>A Float64 vector (copied).</summary>
    public static Tensor FromArray(double[] values) => new(Shape.Of(values.Length), DType.Float64, (double[])values.Clone());

    /// <summary>A Float32 vector (copied).</summary>
    public static Tensor FromArray(float[] values) => new(Shape.Of(values.Length), DType.Float32, (float[])values.Clone());

    /// <summary>An Int32 vector (copied).</summary>
    public static Tensor FromArray(int[] values) => new(Shape.Of(values.Length), DType.Int32, (int[])values.Clone());

    /// <summary>A Float64 matrix from a rectangular array.</summary>
    public static Tensor FromArray(double[,] values) => new(Shape.Of(values.GetLength(0), values.GetLength(1)), DType.Float64, Flatten2D(values));

    /// <summary>A Float32 matrix from a rectangular array.</summary>
    public static Tensor FromArray(float[,] values) => new(Shape.Of(values.GetLength(0), values.GetLength(1)), DType.Float32, Flatten2D(values));

    /// <summary>A Float64 matrix from a jagged array; every row must have the same length.</summary>
    public static Tensor FromArray(double[][] rows) => FromRows(rows, DType.Float64);

    /// <summary>A Float32 matrix from a jagged array; every row must have the same length.</summary>
    public static Tensor FromArray(float[][] rows) => FromRows(rows, DType.Float32);

    /// <summary>A tensor of the given shape from flat row-major Float64 values (copied).</summary>
    public static Tensor Create(Shape shape, ReadOnlySpan<double> values) => FromSpan(shape, values, DType.Float64);

    /// <summary>A tensor of the given shape from flat row-major Float32 values (copied).</summary>
    public static Tensor Create(Shape shape, ReadOnlySpan<float> values)
    {
        CheckCount(shape, values.Length);
        return new Tensor(shape, DType.Float32, values.ToArray());
    }

    /// <summary>A tensor of the given shape from flat row-major Int32 values (copied).</summary>
    public static Tensor Create(Shape shape, ReadOnlySpan<int> values)
    {
        CheckCount(shape, values.Length);
        return new Tensor(shape, DType.Int32, values.ToArray());
    }

    /// <summary>A tensor of the given shape and dtype from flat row-major values, rounded to the dtype.</summary>
    public static Tensor FromSpan(Shape shape, ReadOnlySpan<double> values, DType dtype)
    {
        CheckCount(shape, values.Length);
        return dtype switch
        {
            DType.Float64 => new Tensor(shape, dtype, values.ToArray()),
            DType.Float32 => new Tensor(shape, dtype, ToFloat(values)),
            _ => new Tensor(shape, dtype, ToInt(values)),
        };
    }

    /// <summary>A tensor filled with one value.</summary>
    public static Tensor Filled(Shape shape, DType dtype, double value)
    {
        var n = shape.Size;
        Array data = dtype switch
        {
            DType.Float64 => Enumerable.Repeat(value, n).ToArray(),
            DType.Float32 => Enumerable.Repeat((float)value, n).ToArray(),
            _ => Enumerable.Repeat((int)DType.Int32.Round(value), n).ToArray(),
        };
        return new Tensor(shape, dtype, data);
    }

    /// <summary>A tensor of zeros.</summary>
    public static Tensor Zeros(Shape shape, DType dtype = DType.Float64) => Filled(shape, dtype, 0);

    /// <summary>A tensor of ones.</summary>
    public static Tensor Ones(Shape shape, DType dtype = DType.Float64) => Filled(shape, dtype, 1);

    /// <summary>Takes ownership of an array without copying: for FuncNet's own kernels and backends.</summary>
    internal static Tensor Wrap(Shape shape, DType dtype, Array data)
    {
        CheckCount(shape, data.Length);
        return new Tensor(shape, dtype, data);
    }

    /// <summary>The elements rounded into a new tensor of another dtype.</summary>
    public Tensor Cast(DType dtype) => dtype == DType ? this : FromSpan(Shape, ToDoubleArray(), dtype);

    /// <summary>The same elements seen with another shape of the same size.</summary>
    public Tensor Reshape(Shape shape)
    {
        if (shape.Size != Size)
        {
            throw new ShapeException($"Tensor.Reshape: cannot view {Size} elements of shape {Shape} as shape {shape} ({shape.Size} elements).");
        }
        return new Tensor(shape, DType, _data);
    }

    // ---- reading ------------------------------------------------------------------------------------

    /// <summary>The elements, flat and row-major, as a new array of <typeparamref name="T"/> (float, double or int; converted when the dtype differs).</summary>
    public T[] ToArray<T>()
    {
        if (_data is T[] same)
        {
            return (T[])same.Clone();
        }
        var d = ToDoubleArray();
        if (typeof(T) == typeof(double)) { return (T[])(object)d; }
        if (typeof(T) == typeof(float)) { return (T[])(object)ToFloat(d); }
        if (typeof(T) == typeof(int)) { return (T[])(object)ToInt(d); }
        throw new DTypeException($"Tensor.ToArray: element type {typeof(T).Name} is not supported; expected float, double or int.");
    }

    /// <summary>The elements as doubles, flat and row-major.</summary>
    public double[] ToDoubleArray()
    {
        switch (_data)
        {
            case double[] d:
                return (double[])d.Clone();
            case float[] f:
                {
                    var r = new double[f.Length];
                    for (var i = 0; i < f.Length; i++) { r[i] = f[i]; }
                    return r;
                }
            default:
                {
                    var ints = (int[])_data;
                    var r = new double[ints.Length];
                    for (var i = 0; i < ints.Length; i++) { r[i] = ints[i]; }
                    return r;
                }
        }
    }

    /// <summary>The elements as floats, flat and row-major.</summary>
    public float[] ToFloatArray() => ToArray<float>();

    /// <summary>The elements as ints, flat and row-major.</summary>
    public int[] ToIntArray() => ToArray<int>();

    /// <summary>A rank-2 tensor as a rectangular array of doubles.</summary>
    public double[,] ToArray2D()
    {
        if (Rank != 2)
        {
            throw new ShapeException($"Tensor.ToArray2D: expected a rank-2 tensor; this one has shape {Shape}.");
        }
        var d = ToDoubleArray();
        var r = new double[Shape[0], Shape[1]];
        Buffer.BlockCopy(d, 0, r, 0, d.Length * sizeof(double));
        return r;
    }

    /// <summary>The single element of a one-element tensor.</summary>
    public double ToScalar()
    {
        if (Size != 1)
        {
            throw new ShapeException($"Tensor.ToScalar: expected one element; this tensor has shape {Shape}.");
        }
        return GetDouble(0);
    }

    /// <summary>The element at a multi-index.</summary>
    public double this[params int[] index]
    {
        get
        {
            if (index.Length != Rank)
            {
                throw new ShapeException($"Tensor indexer: expected {Rank} indices for shape {Shape}; given {index.Length}.");
            }
            var flat = 0;
            for (var i = 0; i < Rank; i++)
            {
                if ((uint)index[i] >= (uint)Shape[i])
                {
                    throw new ShapeException($"Tensor indexer: index {index[i]} is out of range for axis {i} of shape {Shape}.");
                }
                flat = flat * Shape[i] + index[i];
            }
            return GetDouble(flat);
        }
    }

    internal double GetDouble(int i) => _data switch
    {
        double[] d => d[i],
        float[] f => f[i],
        _ => ((int[])_data)[i],
    };

    /// <summary>The backing array, never to be written: for FuncNet's own kernels and backends.</summary>
    internal Array Data => _data;

    // ---- comparison ---------------------------------------------------------------------------------

    /// <summary>
    /// True when shapes are equal and every pair of elements satisfies |a − b| ≤ atol + rtol·|b| (numpy's
    /// allclose); NaNs compare equal to NaNs.
    /// </summary>
    public bool AllClose(Tensor other, double rtol = 1e-5, double atol = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (Shape != other.Shape)
        {
            return false;
        }
        for (var i = 0; i < Size; i++)
        {
            double a = GetDouble(i), b = other.GetDouble(i);
            if (double.IsNaN(a) || double.IsNaN(b))
            {
                if (double.IsNaN(a) != double.IsNaN(b)) { return false; }
                continue;
            }
            if (a == b) { continue; }
            if (!(Math.Abs(a - b) <= atol + rtol * Math.Abs(b))) { return false; }
        }
        return true;
    }

    /// <summary>The largest absolute elementwise difference; throws when shapes differ.</summary>
    public double MaxAbsDifference(Tensor other)
    {
        if (Shape != other.Shape)
        {
            throw new ShapeException($"Tensor.MaxAbsDifference: shapes differ, {Shape} and {other.Shape}.");
        }
        var m = 0.0;
        for (var i = 0; i < Size; i++)
        {
            var d = Math.Abs(GetDouble(i) - other.GetDouble(i));
            if (double.IsNaN(d)) { return double.NaN; }
            m = Math.Max(m, d);
        }
        return m;
    }

    /// <summary>Exact equality of shape, dtype and every element (bitwise for floats, so NaN equals NaN).</summary>
    public bool Equals(Tensor? other)
    {
        if (other is null || other.DType != DType || other.Shape != Shape)
        {
            return false;
        }
        for (var i = 0; i < Size; i++)
        {
            if (BitConverter.DoubleToInt64Bits(GetDouble(i)) != BitConverter.DoubleToInt64Bits(other.GetDouble(i)))
            {
                return false;
            }
        }
        return true;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Tensor);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = new HashCode();
        h.Add(Shape);
        h.Add(DType);
        for (var i = 0; i < Math.Min(Size, 16); i++)
        {
            h.Add(GetDouble(i));
        }
        return h.ToHashCode();
    }

    // ---- printing -----------------------------------------------------------------------------------

    /// <summary>numpy's <c>str()</c> layout: nested brackets, aligned columns, e.g. <c>[[1. 2.]\n [3. 4.]]</c>.</summary>
    public override string ToString()
    {
        var values = ToDoubleArray();
        string[] cells;
        if (DType == DType.Int32)
        {
            cells = values.Select(v => ((int)v).ToString(CultureInfo.InvariantCulture)).ToArray();
        }
        else
        {
            var integral = values.All(v => double.IsFinite(v) && v == Math.Floor(v) && Math.Abs(v) < 1e16);
            cells = values.Select(v => FormatFloat(v, integral)).ToArray();
        }
        cells = AlignDecimalPoints(cells);
        var width = cells.Length == 0 ? 0 : cells.Max(c => c.Length);
        var sb = new StringBuilder();
        if (Rank == 0)
        {
            return cells[0];
        }
        var strides = Shape.Strides();
        Append(sb, cells, width, 0, 0, strides);
        return sb.ToString();
    }

    private void Append(StringBuilder sb, string[] cells, int width, int axis, int offset, int[] strides)
    {
        sb.Append('[');
        var n = Shape[axis];
        for (var i = 0; i < n; i++)
        {
            if (axis == Rank - 1)
            {
                if (i > 0) { sb.Append(' '); }
                sb.Append(cells[offset + i].PadLeft(width));
            }
            else
            {
                if (i > 0)
                {
                    sb.Append('\n', Rank - 1 - axis);
                    sb.Append(' ', axis + 1);
                }
                Append(sb, cells, width, axis + 1, offset + i * strides[axis], strides);
            }
        }
        sb.Append(']');
    }

    /// <summary>
    /// numpy lines decimal points up: integer parts pad on the left and fractions on the right, so
    /// [0.5, 1.25] prints as <c>[0.5  1.25]</c>. Cells without a point (ints, nan, inf, exponents) are left as they are.
    /// </summary>
    private static string[] AlignDecimalPoints(string[] cells)
    {
        // An empty tensor has no cells to align (and Max of nothing would throw).
        if (cells.Length == 0 || !cells.All(c => c.Contains('.', StringComparison.Ordinal) && !c.Contains('e', StringComparison.Ordinal)))
        {
            return cells;
        }
        var fraction = cells.Max(c => c.Length - c.IndexOf('.', StringComparison.Ordinal));
        return cells.Select(c => c.PadRight(c.IndexOf('.', StringComparison.Ordinal) + fraction)).ToArray();
    }

    private static string FormatFloat(double v, bool integral)
    {
        if (double.IsNaN(v)) { return "nan"; }
        if (double.IsPositiveInfinity(v)) { return "inf"; }
        if (double.IsNegativeInfinity(v)) { return "-inf"; }
        if (integral) { return v.ToString("0", CultureInfo.InvariantCulture) + "."; }
        var a = Math.Abs(v);
        return a != 0 && (a < 1e-4 || a >= 1e8)
            ? v.ToString("0.########e+00", CultureInfo.InvariantCulture)
            : v.ToString("0.########", CultureInfo.InvariantCulture);
    }

    // ---- helpers ------------------------------------------------------------------------------------

    private static void CheckCount(Shape shape, int count)
    {
        if (shape.Size != count)
        {
            throw new ShapeException($"Tensor: shape {shape} needs {shape.Size} elements; given {count}.");
        }
    }

    private static T[] Flatten2D<T>(T[,] values)
    {
        var r = new T[values.Length];
        var k = 0;
        foreach (var v in values)
        {
            r[k++] = v;
        }
        return r;
    }

    private static Tensor FromRows<T>(T[][] rows, DType dtype) where T : struct
    {
        ArgumentNullException.ThrowIfNull(rows);
        var cols = rows.Length == 0 ? 0 : rows[0].Length;
        for (var i = 0; i < rows.Length; i++)
        {
            if (rows[i] is null || rows[i].Length != cols)
            {
                throw new ShapeException($"Tensor.FromArray: a jagged array must be rectangular; row 0 has {cols} elements but row {i} has {rows[i]?.Length ?? 0}.");
            }
        }
        var data = new T[rows.Length * cols];
        for (var i = 0; i < rows.Length; i++)
        {
            Array.Copy(rows[i], 0, data, i * cols, cols);
        }
        return new Tensor(Shape.Of(rows.Length, cols), dtype, data);
    }

    private static float[] ToFloat(ReadOnlySpan<double> values)
    {
        var r = new float[values.Length];
        for (var i = 0; i < r.Length; i++) { r[i] = (float)values[i]; }
        return r;
    }

    private static int[] ToInt(ReadOnlySpan<double> values)
    {
        var r = new int[values.Length];
        for (var i = 0; i < r.Length; i++) { r[i] = (int)DType.Int32.Round(values[i]); }
        return r;
    }

    /// <summary>A Float64 scalar tensor from a double.</summary>
    public static implicit operator Tensor(double value) => Scalar(value);

    /// <summary>A Float64 vector from a double array.</summary>
    public static implicit operator Tensor(double[] values) => FromArray(values);

    /// <summary>A Float64 matrix from a rectangular double array.</summary>
    public static implicit operator Tensor(double[,] values) => FromArray(values);
}
