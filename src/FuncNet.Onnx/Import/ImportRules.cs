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
        ["Gather"] = c => c.Value(0) is ShapeValue s && c.Int("axis", 0) == 0
            ? new ShapeValue(s.Of, c.Ints(1).Select(i => s.Axes[c.Axis(i, s.Axes.Length, "index")]).ToArray())
            : throw c.Unsupported("Gather other than of a shape"),
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
