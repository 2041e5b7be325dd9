using FuncNet.Expressions;
using FuncNet.Lowering;
using FuncNet.Tensors;

namespace FuncNet;

/// <summary>The maximum over axes. Its gradient is shared equally among tied maxima, as in TensorFlow.</summary>
internal sealed record ReduceMaxOp(IntList Axes, bool KeepDims) : ReductionOp(Axes, KeepDims)
{
    public override string Name => "ReduceMax";

    // Lowering: a max over (outer, length, inner) when the axes are adjacent.
    internal override KernelKind Lower(IReadOnlyList<Shape> inputs, IReadOnlyList<DType> dtypes, Shape shape, DType dtype) =>
        ReductionKind.Over(inputs[0], Axes, max: true);

    protected override double Seed => double.NegativeInfinity;

    protected override double Combine(double accumulator, double value) =>
        double.IsNaN(accumulator) || double.IsNaN(value) ? double.NaN : Math.Max(accumulator, value);

    /// <summary>Where x attains the maximum, divided by the number of ties: the derivative of the max.</summary>
    private Expr Share(Expr node)
    {
        var x = node.Inputs[0];
        var mask = Ops.Equal(x, Ops.BroadcastLike(KeptDims(node), x));
        return mask / Ops.BroadcastLike(Ops.ReduceSum(mask, Axes.ToArray(), true), x);
    }

    internal override Expr?[] Vjp(Expr node, Expr gradient) =>
        [Ops.BroadcastLike(KeptDims(gradient), node.Inputs[0]) * Share(node)];

    internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents) =>
        tangents[0] is { } t ? Ops.ReduceSum(t * Share(node), Axes.ToArray(), KeepDims) : null;
}

public static partial class Ops
{
    /// <summary>The maximum over <paramref name="axes"/> (none means all), dropping them.</summary>
    public static Expr ReduceMax(Expr x, params int[] axes) => ReduceMax(x, axes, false);

    /// <summary>The maximum over <paramref name="axes"/> (none means all), keeping them as length 1 when <paramref name="keepDims"/>.</summary>
    public static Expr ReduceMax(Expr x, IReadOnlyList<int> axes, bool keepDims)
    {
        var a = ReductionOp.NormalizeAxes(x.Shape, axes, "ReduceMax");
        return a.Count == 0 ? x : Expr.Make(new ReduceMaxOp(a, keepDims), x);
    }

    /// <summary>The minimum over <paramref name="axes"/> (none means all), dropping them.</summary>
    public static Expr ReduceMin(Expr x, params int[] axes) => -ReduceMax(-x, axes, false);

    /// <summary>The minimum over <paramref name="axes"/> (none means all), keeping them as length 1 when <paramref name="keepDims"/>.</summary>
    public static Expr ReduceMin(Expr x, IReadOnlyList<int> axes, bool keepDims) => -ReduceMax(-x, axes, keepDims);
}
