using FuncNet.Expressions;
using FuncNet.Lowering;
using P = global::Onnx;

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

    /// <summary>A Conv or ConvTranspose node: FuncNet's resolved geometry as ONNX attributes (pads begin, begin, end, end).</summary>
    public string Conv(string opType, Conv2DGeometry g, Shape filter, IReadOnlyList<string> x, params P.AttributeProto[] more) =>
        W.Node(opType, x, [
            OnnxGraphWriter.Attribute("kernel_shape", [(long)filter[2], filter[3]]),
            OnnxGraphWriter.Attribute("strides", [(long)g.StrideH, g.StrideW]),
            OnnxGraphWriter.Attribute("pads", [(long)g.PadTop, g.PadLeft, g.PadBottom, g.PadRight]),
            OnnxGraphWriter.Attribute("dilations", [(long)g.DilationH, g.DilationW]),
            OnnxGraphWriter.Attribute("group", (long)g.Groups),
            .. more]);

    /// <summary>A MaxPool or AveragePool node over FuncNet's resolved window (floor rounding, as FuncNet's output size).</summary>
    public string Pool(string opType, Pool2DGeometry g, IReadOnlyList<string> x, params P.AttributeProto[] more) =>
        W.Node(opType, x, [
            OnnxGraphWriter.Attribute("kernel_shape", [(long)g.KernelH, g.KernelW]),
            OnnxGraphWriter.Attribute("strides", [(long)g.StrideH, g.StrideW]),
            OnnxGraphWriter.Attribute("pads", [(long)g.PadTop, g.PadLeft, g.PadBottom, g.PadRight]),
            .. more]);

    /// <summary>
    /// Gather: ONNX's Gather when there are no batch axes. With batch axes b, the gathered axis is moved to position b,
    /// GatherND (batch_dims = b) picks along it, and the result's axes are put back in FuncNet's order
    /// (batch, axes before the gathered one, index axes, axes after).
    /// </summary>
    public string Gather(Expr node, IReadOnlyList<string> x)
    {
        var op = (GatherOp)node.Op;
        if (op.BatchDims == 0)
        {
            return W.Node("Gather", x, OnnxGraphWriter.Attribute("axis", (long)op.Axis));
        }
        int b = op.BatchDims, axis = op.Axis, rank = node.Inputs[0].Rank;
        int before = axis - b, indexAxes = node.Inputs[1].Rank - b;
        var data = x[0];
        if (before > 0)
        {
            long[] toFront = [.. Range(0, b), axis, .. Range(b, before), .. Range(axis + 1, rank - axis - 1)];
            data = W.Node("Transpose", [data], OnnxGraphWriter.Attribute("perm", toFront));
        }
        var indices = W.Node("Unsqueeze", [W.Node("Cast", [x[1]], OnnxGraphWriter.Attribute("to", (long)OnnxTensors.Int64)), W.Int64s(-1)]);
        var picked = W.Node("GatherND", [data, indices], OnnxGraphWriter.Attribute("batch_dims", (long)b));
        if (before == 0)
        {
            return picked;
        }
        long[] back = [.. Range(0, b), .. Range(b + indexAxes, before), .. Range(b, indexAxes), .. Range(b + indexAxes + before, rank - axis - 1)];
        return W.Node("Transpose", [picked], OnnxGraphWriter.Attribute("perm", back));
    }

    /// <summary>
    /// ScatterAdd without batch axes: ONNX's ScatterND (reduction = add, opset 16) into zeros of the reference's shape,
    /// with the indices cast to INT64 and given a trailing axis of 1, so each index picks a slice along the first axis.
    /// For another axis, the reference's and the updates' scattered axes are moved to the front and the result's back.
    /// ScatterND has no batch axes, so batch dims (which only gradients of a batched Gather produce) are refused.
    /// </summary>
    public string ScatterAdd(Expr node, IReadOnlyList<string> x)
    {
        var op = (ScatterAddOp)node.Op;
        if (op.BatchDims != 0)
        {
            throw new FuncNetException(
                $"Onnx.Export: op ScatterAdd (node {node.Id}, shape {node.Shape}) with {op.BatchDims} batch dims has no ONNX form: ScatterND has no batch axes. Export a ScatterAdd without batch dims (Ops.ScatterAdd), which is written as ScatterND.");
        }
        int axis = op.Axis, rank = node.Rank, indexAxes = node.Inputs[1].Rank;
        var (updates, like) = (x[0], x[2]);
        if (axis > 0)
        {
            long[] toFront = [axis, .. Range(0, axis), .. Range(axis + 1, rank - axis - 1)];
            like = W.Node("Transpose", [like], OnnxGraphWriter.Attribute("perm", toFront));
            long[] updatesToFront = [.. Range(axis, indexAxes), .. Range(0, axis), .. Range(axis + indexAxes, rank - axis - 1)];
            updates = W.Node("Transpose", [updates], OnnxGraphWriter.Attribute("perm", updatesToFront));
        }
        // Zeros of the reference's shape: its values are not read, so a NaN in it stays out of the result.
        var zeros = W.Node("Expand", [W.Scalar(0, node.DType), W.Node("Shape", [like])]);
        var indices = W.Node("Unsqueeze", [W.Node("Cast", [x[1]], OnnxGraphWriter.Attribute("to", (long)OnnxTensors.Int64)), W.Int64s(-1)]);
        var scattered = W.Node("ScatterND", [zeros, indices, updates], OnnxGraphWriter.Attribute("reduction", "add"));
        if (axis == 0)
        {
            return scattered;
        }
        long[] back = [.. Range(1, axis), 0, .. Range(axis + 1, rank - axis - 1)];
        return W.Node("Transpose", [scattered], OnnxGraphWriter.Attribute("perm", back));
    }

    private static IEnumerable<long> Range(int start, int count) => Enumerable.Range(start, count).Select(a => (long)a);

    /// <summary>
    /// An elementwise op written as the ONNX primitives of its scalar formula (over the node's input value names),
    /// in the node's dtype: how ops with no ONNX counterpart of their own (Silu, Rsqrt, Log1p, user ops) are exported.
    /// </summary>
    public string Formula(Expr node, IReadOnlyList<string> x)
    {
        var op = (ElementwiseOp)node.Op;
        var formula = op.Formula(Enumerable.Range(0, x.Count).Select(ScalarExpr.Arg).ToArray());
        // A formula is a tree whose subtrees may be shared by reference (x used twice): write each once.
        var written = new Dictionary<ScalarExpr, string>(ReferenceEqualityComparer.Instance);
        return Scalar(formula, x, node.DType, written);
    }

    private string Scalar(ScalarExpr e, IReadOnlyList<string> x, DType dtype, Dictionary<ScalarExpr, string> written)
    {
        if (written.TryGetValue(e, out var done)) { return done; }
        var name = e switch
        {
            ScalarArg a => x[a.Index],
            ScalarConst k => W.Scalar(k.Value, dtype),
            ScalarCall call => Call(call.Fn, call.Args.Select(a => Scalar(a, x, dtype, written)).ToArray(), dtype),
            _ => throw new FuncNetException($"Onnx.Export: a scalar formula term {e} has no ONNX form."),
        };
        written[e] = name;
        return name;
    }

    private string Call(ScalarFn fn, string[] a, DType dtype) => fn switch
    {
        ScalarFn.Add => W.Node("Add", a),
        ScalarFn.Subtract => W.Node("Sub", a),
        ScalarFn.Multiply => W.Node("Mul", a),
        ScalarFn.Divide => W.Node("Div", a),
        ScalarFn.Negate => W.Node("Neg", a),
        ScalarFn.Exp => W.Node("Exp", a),
        ScalarFn.Log => W.Node("Log", a),
        ScalarFn.Log1p => W.Node("Log", [W.Node("Add", [a[0], W.Scalar(1, dtype)])]),
        ScalarFn.Expm1 => ExpMinusOne(a[0], dtype),
        ScalarFn.Sqrt => W.Node("Sqrt", a),
        ScalarFn.Abs => W.Node("Abs", a),
        ScalarFn.Tanh => W.Node("Tanh", a),
        ScalarFn.Max => W.Node("Max", a),
        ScalarFn.Min => W.Node("Min", a),
        ScalarFn.Pow => W.Node("Pow", a),
        ScalarFn.Less => Cast(W.Node("Less", a), dtype),
        ScalarFn.LessEqual => Cast(W.Node("LessOrEqual", a), dtype),
        ScalarFn.Greater => Cast(W.Node("Greater", a), dtype),
        ScalarFn.GreaterEqual => Cast(W.Node("GreaterOrEqual", a), dtype),
        ScalarFn.Equal => Cast(W.Node("Equal", a), dtype),
        ScalarFn.NotEqual => Cast(W.Node("Not", [W.Node("Equal", a)]), dtype),
        ScalarFn.Select => W.Node("Where", [Bool(a[0]), a[1], a[2]]),
        ScalarFn.Sign => W.Node("Sign", a),
        ScalarFn.Sin => W.Node("Sin", a),
        ScalarFn.Cos => W.Node("Cos", a),
        ScalarFn.Erf => W.Node("Erf", a),
        ScalarFn.Floor => W.Node("Floor", a),
        ScalarFn.Round => W.Node("Round", a),
        _ => throw new FuncNetException($"Onnx.Export: the scalar function {fn} has no ONNX form."),
    };

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
