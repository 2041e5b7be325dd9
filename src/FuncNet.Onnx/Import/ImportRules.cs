using FuncNet.Expressions;
using FuncNet.Tensors;

namespace FuncNet;

/// <summary>Imports one ONNX node (default domain) as a FuncNet value.</summary>
internal delegate ImportValue ImportRule(ImportContext c);

/// <summary>
/// The FuncNet form of every ONNX op that import reads, one entry per op type. An op missing here is refused
/// with its name, domain and opset. Everything FuncNet exports is here, so export → import → export is stable.
/// </summary>
internal static class ImportRules
{
    // ONNX Selu's default constants, as the specification gives them in single precision.
    private const float SeluAlpha = 1.67326319217681884765625f;
    private const float SeluGamma = 1.05070102214813232421875f;

    public static readonly IReadOnlyDictionary<string, ImportRule> ByOpType = new Dictionary<string, ImportRule>(StringComparer.Ordinal)
    {
        ["Add"] = c => T(Ops.Add(c.X(0), c.X(1))),
        ["Sub"] = c => T(Ops.Subtract(c.X(0), c.X(1))),
        ["Mul"] = c => T(Ops.Multiply(c.X(0), c.X(1))),
        ["Div"] = c => T(Ops.Divide(c.X(0), c.X(1))),
        ["Pow"] = c => T(Ops.Pow(c.X(0), c.X(1))),
        ["Max"] = c => T(c.All().Aggregate(Ops.Maximum)),
        ["Min"] = c => T(c.All().Aggregate(Ops.Minimum)),
        ["Neg"] = c => T(Ops.Negative(c.X(0))),
        ["Abs"] = c => T(Ops.Abs(c.X(0))),
        ["Sign"] = c => T(Ops.Sign(c.X(0))),
        ["Exp"] = c => T(Ops.Exp(c.X(0))),
        ["Log"] = c => T(Ops.Log(c.X(0))),
        ["Sqrt"] = c => T(Ops.Sqrt(c.X(0))),
        ["Tanh"] = c => T(Ops.Tanh(c.X(0))),
        ["Sigmoid"] = c => T(Ops.Sigmoid(c.X(0))),
        ["Relu"] = c => T(Ops.Relu(c.X(0))),
        ["Softplus"] = c => T(Ops.Softplus(c.X(0))),
        ["LeakyRelu"] = c => T(Ops.LeakyRelu(c.X(0), c.Float("alpha", 0.01f))),
        ["Elu"] = c => T(Ops.Elu(c.X(0), c.Float("alpha", 1f))),
        ["Selu"] = c =>
        {
            var x = c.X(0);
            float alpha = c.Float("alpha", SeluAlpha), gamma = c.Float("gamma", SeluGamma);
            return T(alpha == SeluAlpha && gamma == SeluGamma
                ? Ops.Selu(x)
                : Ops.Where(Ops.Greater(x, 0.0), gamma * x, (double)gamma * alpha * (Ops.Exp(x) - 1.0)));
        },
        ["Sin"] = c => T(Ops.Sin(c.X(0))),
        ["Cos"] = c => T(Ops.Cos(c.X(0))),
        ["Erf"] = c => T(Ops.Erf(c.X(0))),
        ["Gelu"] = Gelu,
        ["Floor"] = c => T(Ops.Floor(c.X(0))),
        ["Round"] = c => T(Ops.Round(c.X(0))),
        ["Clip"] = Clip,
        ["Identity"] = c => c.Value(0),
        // Dropout at inference is the identity (its optional mask output is not imported).
        ["Dropout"] = c => c.Value(0),
        ["Cast"] = Cast,

        ["Greater"] = c => Bool(Ops.Greater(c.X(0), c.X(1))),
        ["GreaterOrEqual"] = c => Bool(Ops.GreaterEqual(c.X(0), c.X(1))),
        ["Less"] = c => Bool(Ops.Less(c.X(0), c.X(1))),
        ["LessOrEqual"] = c => Bool(Ops.LessEqual(c.X(0), c.X(1))),
        ["Equal"] = c => Bool(Ops.Equal(c.X(0), c.X(1))),
        ["Not"] = c => c.Value(0) switch
        {
            BoolValue { ZeroOne: true, Truth: { Op: EqualOp } e } => Bool(Ops.NotEqual(e.Inputs[0], e.Inputs[1])),
            BoolValue { ZeroOne: true } b => Bool(Expr.Constant(1, b.Truth.DType) - b.Truth),
            BoolValue b => Bool(Ops.Equal(b.Truth, Expr.Constant(0, b.Truth.DType))),
            _ => throw c.Error("expected a boolean input"),
        },
        ["Where"] = c => c.Value(0) is BoolValue b
            ? T(Ops.Where(b.Truth, c.X(1), c.X(2)))
            : throw c.Error("expected a boolean condition (input 0)"),

        ["MatMul"] = c => T(Ops.MatMul(c.X(0), c.X(1))),
        ["Gemm"] = c =>
        {
            var y = Ops.MatMul(c.X(0), c.X(1), c.Int("transA", 0) != 0, c.Int("transB", 0) != 0);
            float alpha = c.Float("alpha", 1f), beta = c.Float("beta", 1f);
            if (alpha != 1f) { y = Expr.Constant(alpha, y.DType) * y; }
            if (c.Has(2))
            {
                var bias = c.X(2);
                y += beta == 1f ? bias : Expr.Constant(beta, y.DType) * bias;
            }
            return T(y);
        },
        ["Softmax"] = c => T(Ops.Softmax(c.X(0), SoftmaxAxis(c))),
        ["LogSoftmax"] = c => T(Ops.LogSoftmax(c.X(0), SoftmaxAxis(c))),
        ["ArgMax"] = c =>
        {
            var x = c.X(0);
            if (c.Int("select_last_index", 0) != 0) { throw c.Unsupported("select_last_index = 1 (FuncNet returns the first index on ties)"); }
            var axis = c.Axis(c.Int("axis", 0), x.Rank, "attribute axis");
            var y = Ops.ArgMax(x, axis);
            return T(c.Int("keepdims", 1) != 0 ? Ops.ExpandDims(y, axis) : y);
        },

        ["Conv"] = c => T(WithBias(c, Ops.Conv2D(c.X(0), c.X(1), ConvOptions(c)))),
        ["ConvTranspose"] = c =>
        {
            if (c.Ints("output_shape") is not null) { throw c.Unsupported("ConvTranspose with attribute output_shape (give pads and output_padding)"); }
            var extra = Pair(c, "output_padding", 0);
            return T(WithBias(c, Ops.Conv2DTranspose(c.X(0), c.X(1), ConvOptions(c), (int)extra[0], (int)extra[1])));
        },
        ["MaxPool"] = c =>
        {
            if (c.Node.Output.Count > 1 && c.Node.Output[1].Length > 0) { throw c.Unsupported("MaxPool's Indices output"); }
            if (Pair(c, "dilations", 1).Any(d => d != 1)) { throw c.Unsupported("MaxPool with dilations other than 1"); }
            if (c.Int("storage_order", 0) != 0) { throw c.Unsupported("MaxPool with storage_order = 1"); }
            return T(Ops.MaxPool2D(c.X(0), PoolOptions(c)));
        },
        ["AveragePool"] = c =>
        {
            var options = PoolOptions(c);
            // FuncNet averages over the part of each window inside the input (count_include_pad = 0); without padding both agree.
            if (c.Int("count_include_pad", 0) != 0 && options.Padding != Padding2D.Explicit(0, 0, 0, 0)) { throw c.Unsupported("AveragePool with count_include_pad = 1 and padding"); }
            return T(Ops.AvgPool2D(c.X(0), options));
        },
        ["GlobalAveragePool"] = c =>
        {
            var x = c.X(0);
            if (x.Rank != 4) { throw c.Unsupported($"GlobalAveragePool of a rank-{x.Rank} input (FuncNet pools images (N, C, H, W))"); }
            return T(Ops.ReduceMean(x, [2, 3], true));
        },
        ["BatchNormalization"] = c =>
        {
            if (c.Int("training_mode", 0) != 0 || c.Node.Output.Skip(1).Any(o => o.Length > 0)) { throw c.Unsupported("BatchNormalization in training mode (FuncNet imports inference graphs)"); }
            return T(Ops.BatchNormInference(c.X(0), c.X(1), c.X(2), c.X(3), c.X(4), c.Float("epsilon", 1e-5f)));
        },
        ["LayerNormalization"] = c =>
        {
            var x = c.X(0);
            var axis = c.Axis(c.Int("axis", -1), x.Rank, "attribute axis");
            if (axis != x.Rank - 1) { throw c.Unsupported($"LayerNormalization over axes from {axis} of a rank-{x.Rank} input (FuncNet normalizes the last axis)"); }
            if (c.Node.Output.Skip(1).Any(o => o.Length > 0)) { throw c.Unsupported("LayerNormalization's Mean and InvStdDev outputs"); }
            var scale = c.X(1);
            return T(Ops.LayerNorm(x, scale, c.Has(2) ? c.X(2) : Ops.ZerosLike(scale), c.Float("epsilon", 1e-5f)));
        },

        ["ReduceSum"] = c => Reduce(c, (x, axes, keep) => Ops.ReduceSum(x, axes, keep)),
        ["ReduceMax"] = c => Reduce(c, (x, axes, keep) => Ops.ReduceMax(x, axes, keep)),
        ["ReduceMin"] = c => Reduce(c, (x, axes, keep) => Ops.ReduceMin(x, axes, keep)),
        ["ReduceMean"] = c => Reduce(c, (x, axes, keep) => Ops.ReduceMean(x, axes, keep)),
        ["ReduceProd"] = c => c.Value(0) is ShapeValue s && c.Int("keepdims", 1) == 0
            ? new SizeValue(s.Of, s.Axes)
            : throw c.Unsupported("ReduceProd other than of a shape with keepdims = 0"),
        ["Shape"] = c =>
        {
            var x = c.X(0);
            // Opset 15's start and end count from the back when negative and are clamped to the rank.
            int Clamp(long v) => (int)Math.Clamp(v < 0 ? v + x.Rank : v, 0, x.Rank);
            int start = Clamp(c.Int("start", 0)), end = Clamp(c.Int("end", x.Rank));
            return new ShapeValue(x, Enumerable.Range(start, Math.Max(0, end - start)).ToArray());
        },
        ["Gather"] = c => c.Value(0) is ShapeValue s
            ? c.Int("axis", 0) == 0
                ? new ShapeValue(s.Of, c.Ints(1).Select(i => s.Axes[c.Axis(i, s.Axes.Length, "index")]).ToArray())
                : throw c.Unsupported("Gather of a shape along an axis other than 0")
            // FuncNet's indices are Int32 and must lie in [0, length): ONNX's negative (from the end) indices are refused when evaluated.
            : T(Ops.Take(c.X(0), Ops.Cast(c.X(1), DType.Int32), c.Axis(c.Int("axis", 0), c.X(0).Rank, "attribute axis"))),
        ["GatherND"] = GatherND,
        ["ScatterND"] = ScatterND,
        ["Expand"] = c =>
        {
            var x = c.X(0);
            if (c.Value(1) is ShapeValue s)
            {
                return s.Axes.SequenceEqual(Enumerable.Range(0, s.Of.Rank))
                    ? T(Ops.BroadcastLike(x, s.Of))
                    : throw c.Unsupported("Expand to part of another tensor's shape");
            }
            var target = new Shape(c.Ints(1).Select(d => Dim(c, d, "input 1 (shape)")).ToArray());
            return T(Ops.BroadcastTo(x, Shape.Broadcast(x.Shape, target, $"{c.Where}: Expand")));
        },

        ["Reshape"] = c =>
        {
            var x = c.X(0);
            var target = c.Ints(1);
            var keepZeros = c.Int("allowzero", 0) != 0;
            var dims = target.Select((d, a) => d == 0 && !keepZeros
                ? a < x.Rank ? x.Shape[a] : throw c.Error($"shape entry {a} is 0 (copy the input's length), but the input has rank {x.Rank}")
                : d == -1 ? -1 : Dim(c, d, "input 1 (shape)")).ToArray();
            return T(Ops.Reshape(x, new Shape(dims)));
        },
        ["Flatten"] = c =>
        {
            var x = c.X(0);
            var axis = c.Axis(c.Int("axis", 1), x.Rank + 1, "attribute axis");
            int? Product(IEnumerable<int> ds) => ds.Any(d => d == Shape.Unknown) ? null : ds.Aggregate(1, (p, d) => checked(p * d));
            int? outer = Product(x.Shape.Take(axis)), inner = Product(x.Shape.Skip(axis));
            if (outer is null && inner is null) { throw c.Unsupported($"Flatten of shape {x.Shape} with unknown lengths on both sides of axis {axis}"); }
            return T(Ops.Reshape(x, outer ?? -1, inner ?? -1));
        },
        ["Squeeze"] = c =>
        {
            var x = c.X(0);
            var axes = (c.Has(1) ? c.Ints(1) : c.Ints("axes"))?.Select(a => c.Axis(a, x.Rank, "axes")).ToHashSet()
                ?? Enumerable.Range(0, x.Rank).Where(a => x.Shape[a] == 1).ToHashSet();
            var kept = Enumerable.Range(0, x.Rank).Where(a => !axes.Contains(a)).Select(a => x.Shape[a]).ToArray();
            if (kept.Count(d => d == Shape.Unknown) > 1) { throw c.Unsupported($"Squeeze of shape {x.Shape} with several unknown lengths"); }
            return T(Ops.Reshape(x, new Shape(kept)));
        },
        ["Unsqueeze"] = c =>
        {
            var x = c.X(0);
            var axes = (c.Has(1) ? c.Ints(1) : c.Ints("axes")) ?? throw c.Error("expected axes (input 1 or attribute axes)");
            var rank = x.Rank + axes.Length;
            return T(Ops.ExpandDims(x, axes.Select(a => c.Axis(a, rank, "axes")).Order().ToArray()));
        },
        ["Transpose"] = c =>
        {
            var x = c.X(0);
            var perm = c.Ints("perm") ?? Enumerable.Range(0, x.Rank).Reverse().Select(a => (long)a).ToArray();
            return T(Ops.Transpose(x, perm.Select(p => c.Axis(p, x.Rank, "attribute perm")).ToArray()));
        },
        ["Concat"] = c =>
        {
            var xs = c.All();
            return T(Ops.Concat(xs, c.Axis(c.Int("axis", long.MinValue), xs[0].Rank, "attribute axis")));
        },
        ["Slice"] = Slice,
    };

    private static TensorValue T(Expr e) => new(e);

    private static BoolValue Bool(Expr comparison) => new(comparison, true);

    private static ImportValue Cast(ImportContext c)
    {
        var to = c.Int("to", -1);
        if (to == OnnxTensors.Bool)
        {
            return c.Value(0) switch
            {
                BoolValue b => b,
                TensorValue t => new BoolValue(t.Expr, false),
                _ => throw c.Unsupported("Cast of a shape to BOOL"),
            };
        }
        var dtype = OnnxTensors.DTypeOf((int)to) ?? throw c.Unsupported($"Cast to {OnnxTensors.ElementTypeName((int)to)} (attribute to)");
        return c.Value(0) switch
        {
            TensorValue t => T(Ops.Cast(t.Expr, dtype)),
            BoolValue { ZeroOne: true } b => T(Ops.Cast(b.Truth, dtype)),
            BoolValue b => T(Ops.Cast(Ops.NotEqual(b.Truth, Expr.Constant(0, b.Truth.DType)), dtype)),
            SizeValue s => T(Ops.Cast(Expr.Make(new SizeOfOp(new IntList(s.Axes.Distinct().Order())), s.Of), dtype)),
            _ => throw c.Unsupported("Cast of a shape tensor"),
        };
    }

    private static ImportValue Clip(ImportContext c)
    {
        var x = c.X(0);
        Expr? min = c.Has(1) ? c.X(1) : null, max = c.Has(2) ? c.X(2) : null;
        // Constant bounds (as FuncNet writes them) are FuncNet's Clip; bounds computed in the graph are a maximum and a minimum.
        if (min is { Op: ConstantOp lo, Rank: 0 } && max is { Op: ConstantOp hi, Rank: 0 })
        {
            return T(Ops.Clip(x, lo.Value.ToDoubleArray()[0], hi.Value.ToDoubleArray()[0]));
        }
        var y = min is null ? x : Ops.Maximum(x, min);
        return T(max is null ? y : Ops.Minimum(y, max));
    }

    // GatherND with batch axes b and indices whose last axis has length 1: a gather along axis b (the form export writes).
    private static ImportValue GatherND(ImportContext c)
    {
        var x = c.X(0);
        var indices = c.X(1);
        var b = (int)c.Int("batch_dims", 0);
        if (indices.Rank < 1 || indices.Shape[-1] != 1) { throw c.Unsupported($"GatherND with indices of shape {indices.Shape} (FuncNet reads a last axis of length 1)"); }
        if (b < 0 || b >= x.Rank || b >= indices.Rank) { throw c.Error($"batch_dims {b} is out of range for data of rank {x.Rank} and indices of rank {indices.Rank}"); }
        var picks = indices is { Op: ExpandDimsOp } e && e.Rank == e.Inputs[0].Rank + 1 && e.Inputs[0].Rank == indices.Rank - 1 && ((ExpandDimsOp)e.Op).Axes.SequenceEqual([indices.Rank - 1])
            ? e.Inputs[0]
            : Ops.Reshape(indices, new Shape(indices.Shape.Take(indices.Rank - 1).ToArray()));
        return T(Ops.Gather(x, Ops.Cast(picks, DType.Int32), b, b));
    }

    // ONNX's Gelu (opset 20) is FuncNet's, exact or in the tanh approximation.
    private static ImportValue Gelu(ImportContext c)
    {
        if (c.Opset < 20) { throw c.Error("Gelu is an op of opset 20 and later; the model declares an earlier opset (write it with opset ≥ 20, or as its formula 0.5·x·(1 + Erf(x/√2)))"); }
        return c.String("approximate", "none") switch
        {
            "none" => T(Ops.Gelu(c.X(0), GeluApproximation.None)),
            "tanh" => T(Ops.Gelu(c.X(0), GeluApproximation.Tanh)),
            var other => throw c.Error($"attribute approximate is '{other}'; expected 'none' or 'tanh'"),
        };
    }

    // ScatterND with reduction = add and indices whose last axis has length 1: FuncNet's ScatterAdd along axis 0, added
    // to the data (into zeros of a tensor's shape, the form export writes, it is the ScatterAdd alone).
    private static ImportValue ScatterND(ImportContext c)
    {
        var reduction = c.String("reduction", "none");
        if (reduction != "add") { throw c.Unsupported($"ScatterND with reduction = {reduction} (FuncNet scatters by adding: reduction = add)"); }
        var (data, indices, updates) = (c.X(0), c.X(1), c.X(2));
        if (indices.Rank < 1 || indices.Shape[-1] != 1) { throw c.Unsupported($"ScatterND with indices of shape {indices.Shape} (FuncNet reads a last axis of length 1)"); }
        var picks = indices is { Op: ExpandDimsOp } e && e.Inputs[0].Rank == indices.Rank - 1 && ((ExpandDimsOp)e.Op).Axes.SequenceEqual([indices.Rank - 1])
            ? e.Inputs[0]
            : Ops.Reshape(indices, new Shape(indices.Shape.Take(indices.Rank - 1).ToArray()));
        var zerosLike = data is { Op: BroadcastLikeOp } b && b.Inputs[0] is { Op: ConstantOp k } && k.Value.ToDoubleArray().All(v => v == 0) ? b.Inputs[1] : null;
        var scattered = Ops.ScatterAdd(updates, Ops.Cast(picks, DType.Int32), zerosLike ?? data, 0);
        return T(zerosLike is null ? data + scattered : scattered);
    }

    private static Conv2DOptions ConvOptions(ImportContext c)
    {
        if (c.X(0).Rank != 4) { throw c.Unsupported($"{c.Node.OpType} of a rank-{c.X(0).Rank} input (FuncNet convolves images (N, C, H, W))"); }
        long[] strides = Pair(c, "strides", 1), dilations = Pair(c, "dilations", 1);
        return new Conv2DOptions
        {
            StrideH = Positive(c, strides[0], "strides"), StrideW = Positive(c, strides[1], "strides"),
            DilationH = Positive(c, dilations[0], "dilations"), DilationW = Positive(c, dilations[1], "dilations"),
            Groups = Positive(c, c.Int("group", 1), "group"),
            Padding = Pads(c),
        };
    }

    private static Pool2DOptions PoolOptions(ImportContext c)
    {
        if (c.X(0).Rank != 4) { throw c.Unsupported($"{c.Node.OpType} of a rank-{c.X(0).Rank} input (FuncNet pools images (N, C, H, W))"); }
        if (c.Int("ceil_mode", 0) != 0) { throw c.Unsupported($"{c.Node.OpType} with ceil_mode = 1 (FuncNet rounds the output size down)"); }
        var kernel = c.Ints("kernel_shape") is { Length: 2 } k ? k : throw c.Error("expected attribute kernel_shape with 2 entries");
        var strides = Pair(c, "strides", 1);
        return new Pool2DOptions(Small(c, kernel[0], "kernel_shape"), Small(c, kernel[1], "kernel_shape"), Small(c, strides[0], "strides"), Small(c, strides[1], "strides"), Pads(c));
    }

    // ONNX lists pads as (top, left, bottom, right).
    private static Padding2D Pads(ImportContext c)
    {
        switch (System.Text.Encoding.UTF8.GetString(c.Node.Attribute.FirstOrDefault(a => a.Name == "auto_pad")?.S.ToByteArray() ?? []))
        {
            case "" or "NOTSET":
                break;
            case "VALID":
                return Padding2D.Valid;
            case "SAME_UPPER":
                return Padding2D.Same;
            case var other:
                throw c.Unsupported($"auto_pad = {other}");
        }
        var pads = c.Ints("pads") ?? [0, 0, 0, 0];
        if (pads.Length != 4) { throw c.Error($"attribute pads has {pads.Length} entries; expected 4 (top, left, bottom, right)"); }
        return Padding2D.Explicit(Small(c, pads[0], "pads"), Small(c, pads[2], "pads"), Small(c, pads[1], "pads"), Small(c, pads[3], "pads"));
    }

    private static long[] Pair(ImportContext c, string name, long fallback) => c.Ints(name) switch
    {
        null => [fallback, fallback],
        { Length: 2 } v => v,
        var v => throw c.Error($"attribute {name} has {v.Length} entries; expected 2 (height, width)"),
    };

    private static int Small(ImportContext c, long v, string field) =>
        v is >= 0 and <= Shape.MaxSize ? (int)v : throw c.Error($"attribute {field} has entry {v}; expected a value in [0, {Shape.MaxSize}]");

    private static int Positive(ImportContext c, long v, string field) =>
        v is >= 1 and <= Shape.MaxSize ? (int)v : throw c.Error($"attribute {field} has entry {v}; expected a value in [1, {Shape.MaxSize}]");

    private static Expr WithBias(ImportContext c, Expr y)
    {
        if (!c.Has(2)) { return y; }
        var bias = c.X(2);
        if (bias.Rank != 1) { throw new ShapeException($"{c.Where}: expected a bias of shape ({y.Shape[1]}); given shape {bias.Shape}."); }
        return y + Ops.Reshape(bias, 1, bias.Shape[0], 1, 1);
    }

    private static int SoftmaxAxis(ImportContext c)
    {
        var rank = c.X(0).Rank;
        var axis = c.Axis(c.Int("axis", c.Opset >= 13 ? -1 : 1), rank, "attribute axis");
        // Before opset 13, Softmax flattened the input from the axis on; that is FuncNet's softmax only on the last axis.
        return c.Opset >= 13 || axis == rank - 1 ? axis : throw c.Unsupported($"Softmax over axis {axis} of a rank-{rank} input before opset 13 (it flattens from the axis)");
    }

    private static ImportValue Reduce(ImportContext c, Func<Expr, IReadOnlyList<int>, bool, Expr> reduce)
    {
        var x = c.X(0);
        var axes = c.Has(1) ? c.Ints(1) : c.Ints("axes") ?? [];
        if (axes.Length == 0 && c.Int("noop_with_empty_axes", 0) != 0)
        {
            return T(x);
        }
        var normalized = axes.Select(a => c.Axis(a, x.Rank, "axes")).ToArray();
        if (normalized.Distinct().Count() != normalized.Length) { throw c.Error($"axes [{string.Join(", ", axes)}] repeat an axis"); }
        return T(reduce(x, normalized.Length == 0 ? Enumerable.Range(0, x.Rank).ToArray() : normalized, c.Int("keepdims", 1) != 0));
    }

    private static ImportValue Slice(ImportContext c)
    {
        var x = c.X(0);
        var starts = c.Ints(1);
        var ends = c.Ints(2);
        var axes = c.Has(3) ? c.Ints(3) : Enumerable.Range(0, starts.Length).Select(a => (long)a).ToArray();
        if (c.Has(4) && c.Ints(4).Any(s => s != 1)) { throw c.Unsupported("Slice with steps other than 1"); }
        if (ends.Length != starts.Length || axes.Length != starts.Length) { throw c.Error($"starts, ends and axes have lengths {starts.Length}, {ends.Length} and {axes.Length}; expected equal"); }
        var begin = new int[x.Rank];
        var size = Enumerable.Repeat(-1, x.Rank).ToArray();
        for (var i = 0; i < axes.Length; i++)
        {
            var a = c.Axis(axes[i], x.Rank, "axes");
            long d = x.Shape[a], s = starts[i], e = ends[i];
            if (d == Shape.Unknown)
            {
                if (s < 0 || e < 0) { throw c.Unsupported($"Slice from the end of axis {a}, whose length is unknown"); }
                begin[a] = (int)Math.Min(s, int.MaxValue);
                size[a] = e >= int.MaxValue ? -1 : (int)Math.Max(0, e - s);
                continue;
            }
            s = Math.Clamp(s < 0 ? s + d : s, 0, d);
            e = Math.Clamp(e < 0 ? e + d : e, 0, d);
            begin[a] = (int)s;
            size[a] = (int)Math.Max(0, e - s);
        }
        return T(Ops.Slice(x, begin, size));
    }

    private static int Dim(ImportContext c, long d, string field) =>
        d is >= 0 and <= Shape.MaxSize ? (int)d : throw c.Error($"{field} has length {d}; expected a length in [0, {Shape.MaxSize}]");
}
