namespace FuncNet.Linq;

/// <summary>
/// The result of <c>where</c>: element values and a mask (non-zero = kept), both of the source's shape.
/// Sum, Average, Max, Min and Count skip the masked elements, so they equal what LINQ to Objects returns on
/// the kept elements; materialized (<see cref="ToExpr"/> or the implicit conversion), masked elements are zero.
/// Max and Min of an empty selection are −∞ and +∞ (LINQ to Objects would throw); Average is then NaN.
/// </summary>
public sealed class FilteredExpr
{
    internal FilteredExpr(Expr values, Expr mask)
    {
        Values = values;
        Mask = mask;
    }

    /// <summary>The element values, including the masked ones.</summary>
    public Expr Values { get; }

    /// <summary>1 where an element is kept, 0 where it is masked (any non-zero counts as kept).</summary>
    public Expr Mask { get; }

    /// <summary>Maps the values, keeping the mask.</summary>
    public FilteredExpr Select(Func<Expr, Expr> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return new FilteredExpr(Tracing.Map([Values], s => f(s[0]), "Select"), Mask);
    }

    /// <summary>A projection that is not yet an Expr (a <c>let</c> after <c>where</c>).</summary>
    public FilteredQuery<TResult> Select<TResult>(Func<Expr, TResult> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return new FilteredQuery<TResult>([Values, Mask], s => f(s[0]), s => s[1]);
    }

    /// <summary>Masks further: an element is kept when both conditions hold.</summary>
    public FilteredExpr Where(Func<Expr, Expr> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var more = Tracing.Map([Values, Mask], s => Ops.Where(s[1], predicate(s[0]), 0.0), "Where");
        return new FilteredExpr(Values, more);
    }

    /// <summary>The values with masked elements set to zero.</summary>
    public Expr ToExpr() => Ops.Where(Mask, Values, Expr.Constant(0.0, Values.DType));

    /// <summary>Materializes: masked elements are zero.</summary>
    public static implicit operator Expr(FilteredExpr filtered) => (filtered ?? throw new ArgumentNullException(nameof(filtered))).ToExpr();

    /// <summary>The sum of the kept elements over <paramref name="axes"/> (none: all).</summary>
    public Expr Sum(params int[] axes) => Ops.ReduceSum(ToExpr(), axes);

    /// <summary>The number of kept elements over <paramref name="axes"/> (none: all), in the values' float dtype (Float64 for Int32).</summary>
    public Expr Count(params int[] axes)
    {
        var dtype = Values.DType.IsFloat() ? Values.DType : DType.Float64;
        return Ops.ReduceSum(Ops.Where(Mask, Expr.Constant(1.0, dtype), Expr.Constant(0.0, dtype)), axes);
    }

    /// <summary>The mean of the kept elements over <paramref name="axes"/> (none: all): Sum / Count.</summary>
    public Expr Average(params int[] axes)
    {
        var sum = Sum(axes);
        return Ops.Cast(sum, Count(axes).DType) / Count(axes);
    }

    /// <summary>The largest kept element over <paramref name="axes"/> (none: all); masked elements count as −∞.</summary>
    public Expr Max(params int[] axes) => Ops.ReduceMax(Fill(Values.DType.IsFloat() ? double.NegativeInfinity : int.MinValue), axes);

    /// <summary>The smallest kept element over <paramref name="axes"/> (none: all); masked elements count as +∞.</summary>
    public Expr Min(params int[] axes) => Ops.ReduceMin(Fill(Values.DType.IsFloat() ? double.PositiveInfinity : int.MaxValue), axes, false);

    private Expr Fill(double value) => Ops.Where(Mask, Values, Expr.Constant(value, Values.DType));
}
