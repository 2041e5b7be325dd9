using System.Runtime.InteropServices;
using P = global::Onnx;

namespace FuncNet;

/// <summary>Reads an ONNX <c>TensorProto</c> into a FuncNet tensor, checking every field it uses.</summary>
internal static class OnnxTensorReader
{
    /// <summary>The tensor; <paramref name="where"/> names it in errors (the file and the initializer or node).</summary>
    public static Tensor Read(P.TensorProto proto, string where)
    {
        if (proto.DataLocation == P.TensorProto.Types.DataLocation.External)
        {
            throw new FuncNetException($"{where}: the tensor's data is in an external file; FuncNet imports models whose data is inside the .onnx file.");
        }
        if (proto.Segment is not null)
        {
            throw new FuncNetException($"{where}: the tensor is segmented (field segment); FuncNet imports whole tensors only.");
        }
        var dtype = OnnxTensors.DTypeOf(proto.DataType) ?? throw new FuncNetException(
            $"{where}: field data_type is {OnnxTensors.ElementTypeName(proto.DataType)}; FuncNet imports FLOAT, DOUBLE, INT32 and INT64 tensors.");
        var shape = ShapeOf(proto.Dims, where);
        var count = shape.Size;
        var raw = proto.RawData.Span;
        if (!raw.IsEmpty || count == 0 && proto.FloatData.Count + proto.DoubleData.Count + proto.Int32Data.Count + proto.Int64Data.Count == 0)
        {
            var width = proto.DataType == OnnxTensors.Int64 ? 8 : dtype.SizeInBytes();
            if (raw.Length != (long)count * width)
            {
                throw new CorruptFileException($"{where}: field raw_data has {raw.Length} bytes; shape {shape} of {OnnxTensors.ElementTypeName(proto.DataType)} needs {(long)count * width}.");
            }
            return proto.DataType switch
            {
                OnnxTensors.Float => Tensor.Create(shape, MemoryMarshal.Cast<byte, float>(raw)),
                OnnxTensors.Double => Tensor.Create(shape, MemoryMarshal.Cast<byte, double>(raw)),
                OnnxTensors.Int32 => Tensor.Create(shape, MemoryMarshal.Cast<byte, int>(raw)),
                _ => Tensor.Create(shape, Narrow(MemoryMarshal.Cast<byte, long>(raw).ToArray(), where)),
            };
        }
        int stored = proto.DataType switch
        {
            OnnxTensors.Float => proto.FloatData.Count,
            OnnxTensors.Double => proto.DoubleData.Count,
            OnnxTensors.Int32 => proto.Int32Data.Count,
            _ => proto.Int64Data.Count,
        };
        if (stored != count)
        {
            throw new CorruptFileException($"{where}: the tensor holds {stored} values; its shape {shape} needs {count}.");
        }
        return proto.DataType switch
        {
            OnnxTensors.Float => Tensor.Create(shape, proto.FloatData.ToArray()),
            OnnxTensors.Double => Tensor.Create(shape, proto.DoubleData.ToArray()),
            OnnxTensors.Int32 => Tensor.Create(shape, proto.Int32Data.ToArray()),
            _ => Tensor.Create(shape, Narrow(proto.Int64Data.ToArray(), where)),
        };
    }

    /// <summary>The integers of a tensor read where the graph needs them statically (shapes, axes, starts).</summary>
    public static long[] ReadInt64s(P.TensorProto proto, string where)
    {
        if (proto.DataType is not (OnnxTensors.Int64 or OnnxTensors.Int32))
        {
            throw new FuncNetException($"{where}: expected an INT64 tensor; field data_type is {OnnxTensors.ElementTypeName(proto.DataType)}.");
        }
        var shape = ShapeOf(proto.Dims, where);
        var raw = proto.RawData.Span;
        var width = proto.DataType == OnnxTensors.Int64 ? 8 : 4;
        if (!raw.IsEmpty && raw.Length != (long)shape.Size * width)
        {
            throw new CorruptFileException($"{where}: field raw_data has {raw.Length} bytes; shape {shape} of {OnnxTensors.ElementTypeName(proto.DataType)} needs {(long)shape.Size * width}.");
        }
        long[] values = !raw.IsEmpty
            ? width == 8 ? MemoryMarshal.Cast<byte, long>(raw).ToArray() : Array.ConvertAll(MemoryMarshal.Cast<byte, int>(raw).ToArray(), v => (long)v)
            : width == 8 ? proto.Int64Data.ToArray() : proto.Int32Data.Select(v => (long)v).ToArray();
        if (values.Length != shape.Size)
        {
            throw new CorruptFileException($"{where}: the tensor holds {values.Length} integers; its shape {shape} needs {shape.Size}.");
        }
        return values;
    }

    /// <summary>The shape of field dims, each in [0, 2³¹) and with a product FuncNet can hold.</summary>
    public static Shape ShapeOf(IReadOnlyList<long> dims, string where)
    {
        if (dims.Count > 32)
        {
            throw new CorruptFileException($"{where}: field dims has {dims.Count} entries; FuncNet tensors have rank ≤ 32.");
        }
        var result = new int[dims.Count];
        long size = 1;
        for (var i = 0; i < dims.Count; i++)
        {
            if (dims[i] < 0 || dims[i] > Shape.MaxSize)
            {
                throw new CorruptFileException($"{where}: field dims [{string.Join(", ", dims)}] has entry {dims[i]}; expected lengths in [0, {Shape.MaxSize}].");
            }
            result[i] = (int)dims[i];
            size = Math.Min(size * Math.Max(dims[i], 1), long.MaxValue / (Shape.MaxSize + 1L));
        }
        if (size > Shape.MaxSize)
        {
            throw new CorruptFileException($"{where}: field dims [{string.Join(", ", dims)}] has more elements than a FuncNet tensor holds ({Shape.MaxSize}).");
        }
        return new Shape(result);
    }

    private static int[] Narrow(long[] values, string where)
    {
        var result = new int[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] is < int.MinValue or > int.MaxValue)
            {
                throw new FuncNetException($"{where}: INT64 value {values[i]} does not fit FuncNet's Int32.");
            }
            result[i] = (int)values[i];
        }
        return result;
    }
}
