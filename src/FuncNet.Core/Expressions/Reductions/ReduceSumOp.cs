using FuncNet.Expressions;
using FuncNet.Lowering;
using FuncNet.Tensors;

namespace FuncNet;

/// <summary>The sum over axes.</summary>
internal sealed record ReduceSumOp(IntList Axes, bool KeepDims) : ReductionOp(Axes, KeepDims)
{
    public override string Name => "ReduceSum";

    // Lowering: a sum over (outer, length, inner) when the axes are adjacent.
    internal override KernelKind Lower(IReadOnlyList<Shape> inputs, IReadOnlyList<DType> dtypes, Shape shape, DType dtype) =>
        ReductionKind.Over(inputs[0], Axes, max: false);

    protected override double Seed => 0;

    protected override double Combine(double accumulator, double value) => accumulator + value;

    internal override Expr?[] Vjp(Expr node, Expr gradient) => [Ops.BroadcastLike(KeptDims(gradient), node.Inputs[0])];

    internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents) => tangents[0] is { } t ? Expr.Make(this, t) : null;
}

public static partial class Ops
{
    /// <summary>Sums over <paramref name="axes"/> (negative counts from the end; none means all), dropping them.</summary>
    public static Expr ReduceSum(Expr x, params int[] axes) => ReduceSum(x, axes, false);

    /// <summary>Sums over <paramref name="axes"/> (none means all), keeping them as length 1 when <paramref name="keepDims"/>.</summary>
    public static Expr ReduceSum(Expr x, IReadOnlyList<int> axes, bool keepDims)
    {
        var a = ReductionOp.NormalizeAxes(x.Shape, axes, "ReduceSum");
        return a.Count == 0 ? x : Expr.Make(new ReduceSumOp(a, keepDims), x);
    }

    /// <summary>The mean over <paramref name="axes"/> (none means all), dropping them.</summary>
    public static Expr ReduceMean(Expr x, params int[] axes) => ReduceMean(x, axes, false);

    /// <summary>
    /// The mean over <paramref name="axes"/> (none means all): the sum divided by the count of reduced elements.
    /// A mean over an empty axis is NaN (as in PyTorch and NumPy), and its derivatives there are zero: the
    /// input has no elements to vary.
    /// </summary>
    public static Expr ReduceMean(Expr x, IReadOnlyList<int> axes, bool keepDims)
    {
        var a = ReductionOp.NormalizeAxes(x.Shape, axes, "ReduceMean");
        if (a.Count == 0)
        {
            return x;
        }
        var sum = ReduceSum(x, a, keepDims);
        var count = Expr.Make(new SizeOfOp(a), x);
        if (x.Shape.IsFullyKnown && a.All(axis => x.Shape[axis] > 0))
        {
            return sum / count;
        }
        // The count may be 0. Dividing the (zero) tangent of an empty sum by it would make the JVP 0/0 = NaN
        // where the derivative is the zero map; dividing by max(count, 1) keeps every derivative finite, and
        // the value is chosen NaN only where the count is 0.
        return Where(Greater(count, 0.0), sum / Maximum(count, 1.0), double.NaN);
    }
}
