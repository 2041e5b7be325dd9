using Google.Protobuf;
using P = global::Onnx;

namespace FuncNet;

/// <summary>
/// Reads an ONNX model into Expr: graph inputs become placeholders, initializers variables (or, where a node
/// needs them as a shape or axes, the integers they hold), Constant nodes constants, and each other node what
/// its rule in <see cref="ImportRules"/> builds. Nodes are read in file order, as ONNX requires them sorted, so
/// a name used before it is defined is an error rather than a search.
/// </summary>
internal sealed class OnnxImporter
{
    private readonly string _source;
    private readonly Dictionary<string, P.TensorProto> _initializers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, P.TensorProto> _constants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ImportValue> _values = new(StringComparer.Ordinal);
    private readonly List<Expr> _variables = [];

    private OnnxImporter(string source) => _source = source;

    public static OnnxGraph Import(byte[] bytes, string source)
    {
        P.ModelProto model;
        try
        {
            model = P.ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new CorruptFileException($"Onnx.Import {source}: not a valid ONNX (protobuf) model: {e.Message}", e);
        }
        try
        {
            return new OnnxImporter(source).Read(model);
        }
        catch (Exception e) when (e is not FuncNetException and not OutOfMemoryException)
        {
            // Every field is checked before use; what gets here is a contradiction between fields that only a damaged
            // file has (an op's own check, a protobuf accessor), so it is reported as such.
            throw new CorruptFileException($"Onnx.Import {source}: the model is malformed ({e.GetType().Name}: {e.Message})", e);
        }
    }

    private OnnxGraph Read(P.ModelProto model)
    {
        var graph = model.Graph ?? throw Corrupt("the model has no graph (field graph)");
        var opset = model.OpsetImport.FirstOrDefault(o => o.Domain is "" or "ai.onnx")?.Version
            ?? throw Corrupt("field opset_import names no version of the default domain (ai.onnx)");
        if (opset < 1)
        {
            throw Corrupt($"field opset_import gives version {opset} of the default domain; expected ≥ 1");
        }
        foreach (var initializer in graph.Initializer)
        {
            if (!_initializers.TryAdd(initializer.Name, initializer))
            {
                throw Corrupt($"two initializers are named '{initializer.Name}'");
            }
        }
        if (graph.SparseInitializer.Count > 0)
        {
            throw new FuncNetException($"Onnx.Import {_source}: the graph has sparse initializers (field sparse_initializer); FuncNet imports dense tensors only.");
        }
        var inputs = new List<Expr>();
        foreach (var input in graph.Input)
        {
            var (dtype, shape) = TypeOf(input, "input");
            if (_initializers.TryGetValue(input.Name, out var init))
            {
                // Older models list initializers among the inputs too (as defaults); the initializer's shape must fit.
                var initShape = OnnxTensorReader.ShapeOf(init.Dims, Where($"initializer '{input.Name}'"));
                if (!initShape.IsCompatibleWith(shape))
                {
                    throw new ShapeException($"Onnx.Import {_source}: input '{input.Name}' is declared with shape {shape}, but its initializer has shape {initShape}.");
                }
                continue;
            }
            var placeholder = Expr.Placeholder(input.Name, shape, dtype);
            _values[input.Name] = new TensorValue(placeholder);
            inputs.Add(placeholder);
        }
        foreach (var node in graph.Node)
        {
            ReadNode(node, opset);
        }
        if (graph.Output.Count == 0)
        {
            throw Corrupt("the graph has no outputs (field output)");
        }
        var outputs = new List<Expr>();
        foreach (var output in graph.Output)
        {
            var value = Value(output.Name, $"graph output '{output.Name}'");
            var expr = value is TensorValue t ? t.Expr
                : throw new FuncNetException($"Onnx.Import {_source}: graph output '{output.Name}' is a boolean or shape tensor; FuncNet outputs numbers (cast it in the model).");
            if (output.Type?.TensorType is { } declared && declared.ElemType != 0 && OnnxTensors.DTypeOf(declared.ElemType) != expr.DType)
            {
                throw new DTypeException($"Onnx.Import {_source}: graph output '{output.Name}' is declared {OnnxTensors.ElementTypeName(declared.ElemType)}, but the graph computes {expr.DType}.");
            }
            outputs.Add(expr);
        }
        return new OnnxGraph(inputs, outputs, graph.Output.Select(o => o.Name).ToArray(), _variables.ToArray());
    }

    private void ReadNode(P.NodeProto node, long opset)
    {
        if (node.Domain is not ("" or "ai.onnx"))
        {
            throw new FuncNetException($"Onnx.Import {_source}: node '{node.Name}' uses op {node.OpType} of domain '{node.Domain}', which FuncNet does not import; expected the default domain ai.onnx.");
        }
        if (node.Output.Count == 0)
        {
            throw Corrupt($"node '{node.Name}' ({node.OpType}) has no outputs");
        }
        if (node.OpType == "Constant")
        {
            _constants[node.Output[0]] = ConstantValue(node, opset);
            return;
        }
        if (!ImportRules.ByOpType.TryGetValue(node.OpType, out var rule))
        {
            throw new FuncNetException(
                $"Onnx.Import {_source}: node '{node.Name}' uses op {node.OpType} (domain ai.onnx, opset {opset}), which FuncNet does not import; docs/onnx.md lists the ops it does.");
        }
        var context = new ImportContext(node, opset, _source, name => Value(name, $"node '{node.Name}' ({node.OpType})"), StaticInts);
        _values[node.Output[0]] = rule(context);
    }

    /// <summary>The value of a name defined so far; initializers and constants become Expr when first read as data.</summary>
    private ImportValue Value(string name, string reader)
    {
        if (_values.TryGetValue(name, out var value))
        {
            return value;
        }
        if (_constants.TryGetValue(name, out var constant))
        {
            return _values[name] = new TensorValue(Expr.Constant(OnnxTensorReader.Read(constant, Where($"constant '{name}'"))));
        }
        if (_initializers.TryGetValue(name, out var initializer))
        {
            var variable = Expr.Variable(name, OnnxTensorReader.Read(initializer, Where($"initializer '{name}'")));
            _variables.Add(variable);
            return _values[name] = new TensorValue(variable);
        }
        throw Corrupt($"{reader} reads '{name}', which no earlier node, input or initializer defines");
    }

    /// <summary>The integers held by an initializer or constant, or null when the name is computed by the graph.</summary>
    private long[]? StaticInts(string name) =>
        _constants.TryGetValue(name, out var c) ? OnnxTensorReader.ReadInt64s(c, Where($"constant '{name}'"))
        : _initializers.TryGetValue(name, out var i) ? OnnxTensorReader.ReadInt64s(i, Where($"initializer '{name}'"))
        : null;

    private P.TensorProto ConstantValue(P.NodeProto node, long opset)
    {
        var a = node.Attribute.Count == 1 ? node.Attribute[0] : throw Corrupt($"Constant node '{node.Name}' has {node.Attribute.Count} attributes; expected exactly one value");
        switch (a.Name)
        {
            case "value" when a.T is not null:
                return a.T;
            case "value_float":
                return Proto(OnnxTensors.Float, [], t => t.FloatData.Add(a.F));
            case "value_floats":
                return Proto(OnnxTensors.Float, [a.Floats.Count], t => t.FloatData.AddRange(a.Floats));
            case "value_int":
                return Proto(OnnxTensors.Int64, [], t => t.Int64Data.Add(a.I));
            case "value_ints":
                return Proto(OnnxTensors.Int64, [a.Ints.Count], t => t.Int64Data.AddRange(a.Ints));
            default:
                throw new FuncNetException($"Onnx.Import {_source}: Constant node '{node.Name}' (opset {opset}) has attribute '{a.Name}'; FuncNet imports value, value_float(s) and value_int(s).");
        }
    }

    private static P.TensorProto Proto(int dataType, long[] dims, Action<P.TensorProto> fill)
    {
        var t = new P.TensorProto { DataType = dataType };
        t.Dims.AddRange(dims);
        fill(t);
        return t;
    }

    private (DType DType, Shape Shape) TypeOf(P.ValueInfoProto value, string what)
    {
        var tensor = value.Type?.TensorType ?? throw Corrupt($"{what} '{value.Name}' has no tensor type (field type.tensor_type)");
        var dtype = OnnxTensors.DTypeOf(tensor.ElemType) ?? throw new FuncNetException(
            $"Onnx.Import {_source}: {what} '{value.Name}' has element type {OnnxTensors.ElementTypeName(tensor.ElemType)} (field elem_type); FuncNet imports FLOAT, DOUBLE, INT32 and INT64.");
        if (tensor.Shape is null)
        {
            throw new FuncNetException($"Onnx.Import {_source}: {what} '{value.Name}' has no shape (field shape); FuncNet needs the rank of every input.");
        }
        var dims = tensor.Shape.Dim.Select(d => d.ValueCase == P.TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue
            ? d.DimValue is >= 0 and <= Shape.MaxSize ? (int)d.DimValue : throw Corrupt($"{what} '{value.Name}' has dimension {d.DimValue} (field dim_value)")
            : Shape.Unknown).ToArray();
        return (dtype, new Shape(dims));
    }

    private string Where(string what) => $"Onnx.Import {_source}: {what}";

    private CorruptFileException Corrupt(string what) => new($"Onnx.Import {_source}: {what}.");
}
