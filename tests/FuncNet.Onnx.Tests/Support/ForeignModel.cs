using Google.Protobuf;
using P = global::Onnx;

namespace FuncNet.Tests;

/// <summary>
/// Small ONNX models written here field by field rather than by FuncNet's exporter: forms other exporters write
/// (a Gelu node of opset 20, which python3-onnx 1.12 cannot make; a ScatterND into non-zero data).
/// </summary>
public static class ForeignModel
{
    /// <summary>An input or output: a name, its element type and its dimensions (a null dimension is the symbol <c>batch</c>).</summary>
    public sealed record Value(string Name, DType DType, params int?[] Dims);

    /// <summary>A model of one node of the default domain over graph inputs and initializers.</summary>
    public static byte[] OneNode(long opset, string opType, Value[] inputs, Value output, IReadOnlyList<P.TensorProto> initializers,
        string[] nodeInputs, params P.AttributeProto[] attributes)
    {
        var node = new P.NodeProto { OpType = opType, Name = $"{opType}_0" };
        node.Input.AddRange(nodeInputs);
        node.Output.Add(output.Name);
        node.Attribute.AddRange(attributes);
        var graph = new P.GraphProto { Name = "foreign" };
        graph.Node.Add(node);
        graph.Input.AddRange(inputs.Select(ValueInfo));
        graph.Output.Add(ValueInfo(output));
        graph.Initializer.AddRange(initializers);
        // IR version 9 goes with opsets 19 and 20; 8 with the opsets before.
        var model = new P.ModelProto { IrVersion = opset >= 19 ? 9 : 8, ProducerName = "FuncNet.Onnx.Tests", Graph = graph };
        model.OpsetImport.Add(new P.OperatorSetIdProto { Domain = "", Version = opset });
        return model.ToByteArray();
    }

    /// <summary>An INT64 initializer of the given shape (ONNX's index type, which ScatterND requires).</summary>
    public static P.TensorProto Int64s(string name, long[] values, params long[] dims)
    {
        var proto = OnnxTensors.Int64s(values, name);
        proto.Dims.Clear();
        proto.Dims.AddRange(dims);
        return proto;
    }

    /// <summary>A STRING attribute.</summary>
    public static P.AttributeProto Text(string name, string value) =>
        new() { Name = name, Type = P.AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    private static P.ValueInfoProto ValueInfo(Value v)
    {
        var shape = new P.TensorShapeProto();
        shape.Dim.AddRange(v.Dims.Select(d => d is { } n ? new P.TensorShapeProto.Types.Dimension { DimValue = n } : new P.TensorShapeProto.Types.Dimension { DimParam = "batch" }));
        return new P.ValueInfoProto
        {
            Name = v.Name,
            Type = new P.TypeProto { TensorType = new P.TypeProto.Types.Tensor { ElemType = OnnxTensors.ElementType(v.DType), Shape = shape } },
        };
    }
}
