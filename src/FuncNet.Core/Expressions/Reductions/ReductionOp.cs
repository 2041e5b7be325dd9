using FuncNet.Tensors;

namespace FuncNet.Expressions;

/// <summary>A reduction over a set of axes (normalized, sorted), keeping them as length 1 or dropping them.</summary>
internal abstract record ReductionOp(IntList Axes, bool KeepDims) : Op
{
    /// <summary>The value of an empty reduction and the running combination.</summary>
    protected abstract double Seed { get; }

    protected abstract double Combine(double accumulator, double value);

    internal override (Shape, DType) Infer(IReadOnlyList<Shape> shapes, IReadOnlyList<DType> dtypes)
    {
        var x = shapes[0];
        if (Axes.Any(a => a >= x.Rank))
        {
            throw new ShapeException($"{Name}: axes {Axes} out of range for shape {x}.");
        }
        return (ReducedShape(x), dtypes[0]);
    }

    internal Shape ReducedShape(Shape x)
    {
        var dims = new List<int>();
        for (var a = 0; a < x.Rank; a++)
        {
            if (!Axes.Contains(a)) { dims.Add(x[a]); }
            else if (KeepDims) { dims.Add(1); }
        }
        return new Shape(dims.ToArray());
    }

    internal override Tensor Reference(IReadOnlyList<Tensor> inputs, Shape outputShape, DType outputDType)
    {
        var x = inputs[0];
        var kept = new Shape(Enumerable.Range(0, x.Rank).Select(a => Axes.Contains(a) ? 1 : x.Shape[a]).ToArray());
        var map = Broadcasting.SourceIndices(kept, x.Shape);
        var acc = Enumerable.Repeat(Seed, kept.Size).ToArray();
        for (var k = 0; k < map.Length; k++)
        {
            acc[map[k]] = Combine(acc[map[k]], x.GetDouble(k));
        }
        return Tensor.FromSpan(outputShape, acc, outputDType);
    }

    /// <summary>The gradient g of the reduced output, laid out with the reduced axes as length 1.</summary>
    protected Expr KeptDims(Expr g) => KeepDims ? g : Ops.ExpandDims(g, Axes.ToArray());

    internal override string Format(IReadOnlyList<string> inputs) =>
        $"{Name}({inputs[0]}, {Axes}{(KeepDims ? ", keepDims" : "")})";

    /// <summary>Normalizes user axes (negative allowed; none means all) for a tensor of the given shape.</summary>
    internal static IntList NormalizeAxes(Shape shape, IReadOnlyList<int>? axes, string op)
    {
        if (axes is null || axes.Count == 0)
        {
            return new IntList(Enumerable.Range(0, shape.Rank));
        }
        var normalized = axes.Select(a => shape.NormalizeAxis(a, op)).Distinct().Order().ToArray();
        if (normalized.Length != axes.Count)
        {
            throw new ShapeException($"{op}: axes must be distinct; given [{string.Join(", ", axes)}].");
        }
        return new IntList(normalized);
    }

    // Batching: the same reduction over the axes shifted past the batch axis.
    internal override Expr Batch(Expr node, IReadOnlyList<Expr> inputs, IReadOnlyList<bool> batched) =>
        Expr.Make(this with { Axes = Batching.Shift(Axes) }, inputs[0]);
}
