using P = global::Onnx;

namespace FuncNet;

/// <summary>
/// Accumulates the nodes of an ONNX graph in order. Value and node names are numbered in the order they are
/// written, never taken from Expr ids, so the same graph exports to the same bytes in every process (which
/// is what makes export → import → export comparable).
/// </summary>
internal sealed class OnnxGraphWriter
{
    private int _next;

    /// <summary>The graph being written.</summary>
    public P.GraphProto Graph { get; } = new() { Name = "funcnet" };

    /// <summary>The prefix of the names the writer makes up; a user's name that starts so could collide, and is refused.</summary>
    public const string InternalPrefix = "_t";

    /// <summary>Appends a node of the default domain and returns the name of its (single) output.</summary>
    public string Node(string opType, IReadOnlyList<string> inputs, params P.AttributeProto[] attributes) =>
        NodeNamed(opType, inputs, null, attributes);

    /// <summary>Appends a node whose output has the given name (a graph output), or a fresh one when null.</summary>
    public string NodeNamed(string opType, IReadOnlyList<string> inputs, string? output, params P.AttributeProto[] attributes)
    {
        var number = _next++;
        var node = new P.NodeProto { OpType = opType, Name = $"{opType}_{number}" };
        node.Input.AddRange(inputs);
        node.Output.Add(output ?? $"{InternalPrefix}{number}");
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return node.Output[0];
    }

    /// <summary>A <c>Constant</c> node holding <paramref name="value"/>.</summary>
    public string Constant(Tensor value) =>
        Node("Constant", [], Attribute("value", OnnxTensors.ToProto(value, "")));

    /// <summary>A <c>Constant</c> node holding a 1-D INT64 tensor (shapes, axes, starts).</summary>
    public string Int64s(params long[] values) =>
        Node("Constant", [], Attribute("value", OnnxTensors.Int64s(values, "")));

    /// <summary>A scalar constant of a dtype.</summary>
    public string Scalar(double value, DType dtype) => Constant(Tensor.Scalar(value, dtype));

    /// <summary>An INT attribute.</summary>
    public static P.AttributeProto Attribute(string name, long value) =>
        new() { Name = name, Type = P.AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>A FLOAT attribute.</summary>
    public static P.AttributeProto Attribute(string name, float value) =>
        new() { Name = name, Type = P.AttributeProto.Types.AttributeType.Float, F = value };

    /// <summary>A STRING attribute (UTF-8).</summary>
    public static P.AttributeProto Attribute(string name, string value) =>
        new() { Name = name, Type = P.AttributeProto.Types.AttributeType.String, S = Google.Protobuf.ByteString.CopyFromUtf8(value) };

    /// <summary>An INTS attribute.</summary>
    public static P.AttributeProto Attribute(string name, IEnumerable<long> values)
    {
        var a = new P.AttributeProto { Name = name, Type = P.AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    /// <summary>A TENSOR attribute.</summary>
    public static P.AttributeProto Attribute(string name, P.TensorProto value) =>
        new() { Name = name, Type = P.AttributeProto.Types.AttributeType.Tensor, T = value };
}
