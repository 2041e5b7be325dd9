using FuncNet.Expressions;

namespace FuncNet;

/// <summary>What an export rule may use: the graph writer and the small patterns several rules share.</summary>
internal sealed class OnnxExportContext(OnnxGraphWriter writer, Func<Expr, IReadOnlyDictionary<Expr, string>, string> exportBody)
{
    /// <summary>The graph being written.</summary>
    public OnnxGraphWriter W { get; } = writer;

    /// <summary>A <c>Cast</c> to a FuncNet dtype.</summary>
    public string Cast(string x, DType to) => W.Node("Cast", [x], OnnxGraphWriter.Attribute("to", (long)OnnxTensors.ElementType(to)));

    /// <summary>A value as an ONNX boolean: true where it is non-zero.</summary>
    public string Bool(string x) => W.Node("Cast", [x], OnnxGraphWriter.Attribute("to", (long)OnnxTensors.Bool));

    /// <summary>Where(x &gt; 0, positive, otherwise): the shape of the ELU family's formulas.</summary>
    public string PositiveOr(string x, DType dtype, string positive, string otherwise) =>
        W.Node("Where", [W.Node("Greater", [x, W.Scalar(0, dtype)]), positive, otherwise]);

    /// <summary>eˣ − 1.</summary>
    public string ExpMinusOne(string x, DType dtype) => W.Node("Sub", [W.Node("Exp", [x]), W.Scalar(1, dtype)]);

    /// <summary>x with its last two axes swapped.</summary>
    public string SwapLastTwo(string x, int rank)
    {
        var perm = Enumerable.Range(0, rank).Select(a => (long)a).ToArray();
        (perm[^1], perm[^2]) = (perm[^2], perm[^1]);
        return W.Node("Transpose", [x], OnnxGraphWriter.Attribute("perm", perm));
    }

    /// <summary>
    /// The element count over a SizeOf node's axes: a constant when those dimensions are known, else computed
    /// from the input's runtime shape (Shape → Gather → ReduceProd → Cast), as a symbolic batch needs.
    /// </summary>
    public string SizeOf(Expr node, string x)
    {
        var s = (SizeOfOp)node.Op;
        var input = node.Inputs[0].Shape;
        if (s.Axes.All(a => input[a] != Shape.Unknown))
        {
            return W.Scalar(s.Count(input), node.DType);
        }
        var dims = W.Node("Gather", [W.Node("Shape", [x]), W.Int64s(s.Axes.Select(a => (long)a).ToArray())], OnnxGraphWriter.Attribute("axis", 0L));
        return Cast(W.Node("ReduceProd", [dims], OnnxGraphWriter.Attribute("keepdims", 0L)), node.DType);
    }

    /// <summary>A map's body written as ONNX primitives over the map's inputs (its symbols stand for them).</summary>
    public string Body(Expr body, IReadOnlyList<string> arguments)
    {
        var symbols = new Dictionary<Expr, string>();
        foreach (var node in GraphWalk.Topological([body]))
        {
            if (node.Op is MapSymbolOp s)
            {
                symbols[node] = arguments[s.Index];
            }
        }
        return exportBody(body, symbols);
    }
}
