using P = global::Onnx;

namespace FuncNet;

/// <summary>One ONNX node being imported: its inputs as values, its attributes, and errors that name it.</summary>
internal sealed class ImportContext(P.NodeProto node, long opset, string source, Func<string, ImportValue> value, Func<string, long[]?> staticInts)
{
    /// <summary>The node.</summary>
    public P.NodeProto Node { get; } = node;

    /// <summary>The version of the default domain's opset the model imports.</summary>
    public long Opset { get; } = opset;

    /// <summary>Where errors say the node is: the file, the node's name and op.</summary>
    public string Where => $"Onnx.Import {source}: node '{Node.Name}' ({Node.OpType}, opset {Opset})";

    /// <summary>True when input <paramref name="i"/> is given (ONNX leaves optional inputs out or empty).</summary>
    public bool Has(int i) => i < Node.Input.Count && Node.Input[i].Length > 0;

    /// <summary>Input <paramref name="i"/> as whatever value it is.</summary>
    public ImportValue Value(int i) => Has(i) ? value(Node.Input[i]) : throw Error($"expected input {i}; the node has {Node.Input.Count} inputs");

    /// <summary>Input <paramref name="i"/> as a tensor; booleans and shapes are refused here (ops that take them say so).</summary>
    public Expr X(int i) => Value(i) switch
    {
        TensorValue t => t.Expr,
        BoolValue => throw Error($"input {i} ('{Node.Input[i]}') is a boolean tensor where a number was expected; FuncNet imports booleans only as comparison results fed to Cast, Not or Where"),
        _ => throw Error($"input {i} ('{Node.Input[i]}') is a shape tensor; FuncNet imports shapes only where Expand, Gather, ReduceProd or Cast use them"),
    };

    /// <summary>Every input as a tensor.</summary>
    public Expr[] All() => Enumerable.Range(0, Node.Input.Count).Select(X).ToArray();

    /// <summary>Input <paramref name="i"/> read statically as integers (a shape, axes, starts): it must be an initializer or a Constant.</summary>
    public long[] Ints(int i) => Has(i)
        ? staticInts(Node.Input[i]) ?? throw Error($"input {i} ('{Node.Input[i]}') must be a constant or an initializer: FuncNet reads it when the model is imported")
        : throw Error($"expected input {i}; the node has {Node.Input.Count} inputs");

    /// <summary>An INT attribute, or <paramref name="fallback"/> when absent.</summary>
    public long Int(string name, long fallback) => Attribute(name, P.AttributeProto.Types.AttributeType.Int)?.I ?? fallback;

    /// <summary>A FLOAT attribute, or <paramref name="fallback"/> when absent.</summary>
    public float Float(string name, float fallback) => Attribute(name, P.AttributeProto.Types.AttributeType.Float)?.F ?? fallback;

    /// <summary>A STRING attribute read as UTF-8, or <paramref name="fallback"/> when absent.</summary>
    public string String(string name, string fallback) =>
        Attribute(name, P.AttributeProto.Types.AttributeType.String)?.S.ToStringUtf8() ?? fallback;

    /// <summary>An INTS attribute, or null when absent.</summary>
    public long[]? Ints(string name) => Attribute(name, P.AttributeProto.Types.AttributeType.Ints)?.Ints.ToArray();

    /// <summary>A TENSOR attribute, or null when absent.</summary>
    public P.TensorProto? TensorAttribute(string name) => Attribute(name, P.AttributeProto.Types.AttributeType.Tensor)?.T;

    /// <summary>An axis attribute or value normalized against <paramref name="rank"/>.</summary>
    public int Axis(long axis, int rank, string field) => axis >= -rank && axis < rank
        ? (int)(axis < 0 ? axis + rank : axis)
        : throw Error($"{field} {axis} is out of range for rank {rank}");

    /// <summary>An error naming the node, its op and the opset; the caller says what is wrong.</summary>
    public FuncNetException Error(string what) => new($"{Where}: {what}.");

    /// <summary>The refusal of a form of the op FuncNet has no equivalent for.</summary>
    public FuncNetException Unsupported(string what) => new($"{Where}: {what} is not supported by FuncNet's import.");

    private P.AttributeProto? Attribute(string name, P.AttributeProto.Types.AttributeType type)
    {
        var a = Node.Attribute.FirstOrDefault(a => a.Name == name);
        if (a is null)
        {
            return null;
        }
        // Older writers leave type unset; a set type must match.
        if (a.Type != P.AttributeProto.Types.AttributeType.Undefined && a.Type != type)
        {
            throw Error($"attribute '{name}' has type {a.Type}; expected {type}");
        }
        return a;
    }
}
