using Google.Protobuf;
using P = global::Onnx;

namespace FuncNet;

/// <summary>FuncNet tensors and dtypes to and from ONNX's <c>TensorProto</c> and element types.</summary>
internal static class OnnxTensors
{
    public const int Float = (int)P.TensorProto.Types.DataType.Float;
    public const int Double = (int)P.TensorProto.Types.DataType.Double;
    public const int Int32 = (int)P.TensorProto.Types.DataType.Int32;
    public const int Int64 = (int)P.TensorProto.Types.DataType.Int64;
    public const int Bool = (int)P.TensorProto.Types.DataType.Bool;

    /// <summary>The ONNX element type of a FuncNet dtype.</summary>
    public static int ElementType(DType dtype) => dtype switch
    {
        DType.Float32 => Float,
        DType.Float64 => Double,
        _ => Int32,
    };

    /// <summary>The FuncNet dtype holding an ONNX element type (INT64 as Int32: FuncNet indices are 32-bit), or null.</summary>
    public static DType? DTypeOf(int elementType) => elementType switch
    {
        Float => DType.Float32,
        Double => DType.Float64,
        Int32 or Int64 => DType.Int32,
        _ => null,
    };

    /// <summary>The name of an ONNX element type as the specification spells it.</summary>
    public static string ElementTypeName(int elementType) =>
        Enum.IsDefined(typeof(P.TensorProto.Types.DataType), elementType)
            ? ((P.TensorProto.Types.DataType)elementType).ToString().ToUpperInvariant()
            : $"unknown ({elementType})";

    /// <summary>A tensor as an ONNX tensor named <paramref name="name"/>, its data little-endian in raw_data.</summary>
    public static P.TensorProto ToProto(Tensor tensor, string name)
    {
        var proto = new P.TensorProto { Name = name, DataType = ElementType(tensor.DType) };
        proto.Dims.AddRange(tensor.Shape.Select(d => (long)d));
        var bytes = tensor.DType switch
        {
            DType.Float32 => System.Runtime.InteropServices.MemoryMarshal.AsBytes(tensor.ToFloatArray().AsSpan()).ToArray(),
            DType.Float64 => System.Runtime.InteropServices.MemoryMarshal.AsBytes(tensor.ToArray<double>().AsSpan()).ToArray(),
            _ => System.Runtime.InteropServices.MemoryMarshal.AsBytes(tensor.ToIntArray().AsSpan()).ToArray(),
        };
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("ONNX raw data is little-endian; this machine is not.");
        }
        proto.RawData = ByteString.CopyFrom(bytes);
        return proto;
    }

    /// <summary>A 1-D INT64 tensor (shapes, axes, indices).</summary>
    public static P.TensorProto Int64s(IReadOnlyList<long> values, string name)
    {
        var proto = new P.TensorProto { Name = name, DataType = Int64 };
        proto.Dims.Add(values.Count);
        proto.Int64Data.AddRange(values);
        return proto;
    }
}
