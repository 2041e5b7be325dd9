namespace FuncNet;

/// <summary>The element type of a tensor.</summary>
public enum DType
{
    /// <summary>32-bit IEEE float: the type of fast training.</summary>
    Float32,
    /// <summary>64-bit IEEE float: the type of the curriculum's reference numbers.</summary>
    Float64,
    /// <summary>32-bit signed integer: class labels and the result of ArgMax.</summary>
    Int32,
}

/// <summary>Facts about <see cref="DType"/> values.</summary>
public static class DTypeExtensions
{
    /// <summary>True for Float32 and Float64.</summary>
    public static bool IsFloat(this DType dtype) => dtype is DType.Float32 or DType.Float64;

    /// <summary>The size of one element in bytes.</summary>
    public static int SizeInBytes(this DType dtype) => dtype == DType.Float64 ? 8 : 4;

    /// <summary>Rounds a double to what the dtype can hold (float rounding, or integer truncation).</summary>
    public static double Round(this DType dtype, double value) => dtype switch
    {
        DType.Float32 => (float)value,
        DType.Int32 => double.IsNaN(value) ? 0 : (int)Math.Clamp(value, int.MinValue, int.MaxValue),
        _ => value,
    };
}
