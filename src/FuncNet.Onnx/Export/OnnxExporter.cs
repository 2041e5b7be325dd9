using P = global::Onnx;

namespace FuncNet;

/// <summary>
/// Builds the ONNX model of an inference graph: placeholders become graph inputs, variables initializers,
/// constants Constant nodes, and each other node the ONNX nodes its rule in <see cref="ExportRules"/> writes.
/// Everything is checked while the model is built in memory, so an error leaves no file behind.
/// </summary>
internal sealed class OnnxExporter
{
    /// <summary>The ONNX IR version of opset 17.</summary>
    public const long IrVersion = 8;

    private readonly OnnxGraphWriter _w = new();
    private readonly OnnxExportContext _context;
    private readonly Func<Expr, Tensor> _variableValue;
    private readonly Dictionary<string, string> _userNames = new(StringComparer.Ordinal);

    private OnnxExporter(Func<Expr, Tensor> variableValue)
    {
        _variableValue = variableValue;
        _context = new OnnxExportContext(_w, (body, symbols) => Export(body, new Dictionary<Expr, string>(symbols)));
    }

    /// <summary>The model of <paramref name="outputs"/> (named by <paramref name="outputNames"/>) as functions of <paramref name="inputs"/>.</summary>
    public static P.ModelProto Build(IReadOnlyList<Expr> outputs, IReadOnlyList<string> outputNames, IReadOnlyList<Expr> inputs, Func<Expr, Tensor> variableValue)
    {
        if (outputs.Count == 0)
        {
            throw new FuncNetException("Onnx.Export: expected at least one output; given none.");
        }
        if (outputNames.Count != outputs.Count)
        {
            throw new FuncNetException($"Onnx.Export: expected one name per output ({outputs.Count}); given {outputNames.Count} names.");
        }
        var exporter = new OnnxExporter(variableValue);
        var graph = exporter._w.Graph;
        var names = new Dictionary<Expr, string>();
        foreach (var input in inputs)
        {
            if (input.Op is not PlaceholderOp p)
            {
                throw new FuncNetException($"Onnx.Export: every input must be a placeholder; given {input.Op.Name} node {input}.");
            }
            exporter.Claim(p.PlaceholderName, $"placeholder '{p.PlaceholderName}'");
            names[input] = p.PlaceholderName;
            graph.Input.Add(ValueInfo(p.PlaceholderName, input.DType, input.Shape, axis => axis == 0 ? "batch" : $"{p.PlaceholderName}_dim{axis}"));
        }
        for (var i = 0; i < outputs.Count; i++)
        {
            exporter.Claim(outputNames[i], $"output {i}");
        }
        for (var i = 0; i < outputs.Count; i++)
        {
            var value = exporter.Export(outputs[i], names);
            exporter._w.NodeNamed("Identity", [value], outputNames[i]);
            graph.Output.Add(ValueInfo(outputNames[i], outputs[i].DType, outputs[i].Shape, _ => null));
        }
        var model = new P.ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "FuncNet",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "",
            Graph = graph,
        };
        model.OpsetImport.Add(new P.OperatorSetIdProto { Domain = "", Version = Onnx.Opset });
        return model;
    }

    /// <summary>Writes the nodes <paramref name="root"/> needs that are not yet in <paramref name="names"/>; returns root's value name.</summary>
    private string Export(Expr root, Dictionary<Expr, string> names)
    {
        foreach (var node in CanonicalOrder(root, names))
        {
            names[node] = Node(node, names);
        }
        return names[root];
    }

    /// <summary>
    /// The nodes root needs that are not yet named, inputs before users, in depth-first order over inputs in
    /// position order. Unlike an order by Expr id, this depends only on the graph's structure, not on which
    /// (hash-consed) nodes the process happened to build first, so an export is reproducible byte for byte.
    /// Iterative, as graphs may be deeper than the stack.
    /// </summary>
    private static List<Expr> CanonicalOrder(Expr root, IReadOnlyDictionary<Expr, string> named)
    {
        var order = new List<Expr>();
        var seen = new HashSet<Expr>();
        var stack = new Stack<(Expr Node, int Next)>();
        if (!named.ContainsKey(root) && seen.Add(root))
        {
            stack.Push((root, 0));
        }
        while (stack.Count > 0)
        {
            var (node, next) = stack.Pop();
            if (next < node.Inputs.Count)
            {
                stack.Push((node, next + 1));
                var input = node.Inputs[next];
                if (!named.ContainsKey(input) && seen.Add(input))
                {
                    stack.Push((input, 0));
                }
                continue;
            }
            order.Add(node);
        }
        return order;
    }

    private string Node(Expr node, Dictionary<Expr, string> names)
    {
        switch (node.Op)
        {
            case PlaceholderOp p:
                throw new FuncNetException(
                    $"Onnx.Export: the graph reads placeholder '{p.PlaceholderName}' (shape {p.DeclaredShape}, {p.DeclaredDType}), which is not among the inputs; pass it in inputs.");
            case VariableOp v:
                return Initializer(node, v);
            case ConstantOp c:
                return _w.Constant(c.Value);
            case CustomVjpOp c:
                // Its rules matter only to differentiation; what a model computes is its body.
                return Export(c.Inline(node.Inputs), names);
        }
        var type = node.Op.GetType();
        if (ExportRules.GradientOnly.TryGetValue(type, out var why))
        {
            throw new FuncNetException(
                $"Onnx.Export: node {node.Id} ({node.Op.Name}, shape {node.Shape}) is {why}; ONNX export writes inference graphs, not gradients. Export the model's outputs, not a gradient of them.");
        }
        if (ExportRules.NoEquivalent.TryGetValue(type, out var reason))
        {
            throw new FuncNetException(
                $"Onnx.Export: op {node.Op.Name} (node {node.Id}, shape {node.Shape}) has no exact ONNX equivalent: it is {reason}.");
        }
        if (!ExportRules.ByOp.TryGetValue(type, out var rule))
        {
            throw new FuncNetException(
                $"Onnx.Export: op {node.Op.Name} (node {node.Id}, shape {node.Shape}) has no ONNX equivalent in this version; expected only the ops listed in docs/onnx.md.");
        }
        return rule(_context, node, node.Inputs.Select(i => names[i]).ToArray());
    }

    private string Initializer(Expr node, VariableOp v)
    {
        // Variables have identity, not name equality (two Dense layers left unnamed are both "dense/kernel"), and
        // nothing feeds an initializer by name, so a repeated name gets a suffix; the first keeps it as it is.
        var name = v.VariableName;
        for (var k = 1; _userNames.ContainsKey(name) || name.StartsWith(OnnxGraphWriter.InternalPrefix, StringComparison.Ordinal); k++)
        {
            name = $"{v.VariableName}_{k}";
        }
        Claim(name, $"variable '{v.VariableName}'");
        var value = _variableValue(node);
        if (value.Shape != node.Shape || value.DType != node.DType)
        {
            throw new ShapeException(
                $"Onnx.Export: variable '{v.VariableName}' is declared {node.Shape} {node.DType}, but its value is {value.Shape} {value.DType}.");
        }
        _w.Graph.Initializer.Add(OnnxTensors.ToProto(value, name));
        return name;
    }

    /// <summary>Reserves a user-given name for one value; ONNX names every value uniquely.</summary>
    private void Claim(string name, string what)
    {
        if (name.StartsWith(OnnxGraphWriter.InternalPrefix, StringComparison.Ordinal))
        {
            throw new FuncNetException($"Onnx.Export: {what} has a name starting '{OnnxGraphWriter.InternalPrefix}', which the exporter keeps for its own values; rename it.");
        }
        if (!_userNames.TryAdd(name, what))
        {
            throw new FuncNetException($"Onnx.Export: {what} and {_userNames[name]} are both named '{name}'; ONNX Runtime feeds inputs and returns outputs by name, so each needs its own.");
        }
    }

    private static P.ValueInfoProto ValueInfo(string name, DType dtype, Shape shape, Func<int, string?> symbol)
    {
        var tensorShape = new P.TensorShapeProto();
        for (var axis = 0; axis < shape.Rank; axis++)
        {
            var dim = new P.TensorShapeProto.Types.Dimension();
            if (shape[axis] != Shape.Unknown)
            {
                dim.DimValue = shape[axis];
            }
            else if (symbol(axis) is { } param)
            {
                dim.DimParam = param;
            }
            tensorShape.Dim.Add(dim);
        }
        return new P.ValueInfoProto
        {
            Name = name,
            Type = new P.TypeProto { TensorType = new P.TypeProto.Types.Tensor { ElemType = OnnxTensors.ElementType(dtype), Shape = tensorShape } },
        };
    }
}
