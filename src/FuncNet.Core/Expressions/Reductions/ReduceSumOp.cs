namespace FuncNet;

/// <summary>The sum over axes.</summary>
internal sealed record ReduceSumOp(IntList Axes, bool KeepDims) : ReductionOp(Axes, KeepDims)
{
    public override string Name => "ReduceSum";

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

    /// <summary>The mean over <paramref name="axes"/> (none means all): the sum divided by the count of reduced elements.</summary>
    public static Expr ReduceMean(Expr x, IReadOnlyList<int> axes, bool keepDims)
    {
        var a = ReductionOp.NormalizeAxes(x.Shape, axes, "ReduceMean");
        return a.Count == 0 ? x : ReduceSum(x, a, keepDims) / Expr.Make(new SizeOfOp(a), x);
    }
}
