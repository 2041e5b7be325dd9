using FuncNet.Expressions;

namespace FuncNet.Linq;

/// <summary>
/// LINQ over a tensor as the collection of its elements: <c>from a in x select f(a)</c> is one fused,
/// differentiable map node; <c>from a in x from b in y select f(a, b)</c> is the outer product;
/// <c>where</c> masks elements for the aggregates; <c>let</c> is a shared node (hash-consing). In C#,
/// <c>using FuncNet.Linq;</c>; in F#, <c>open FuncNet.Linq</c> and call the methods directly.
/// </summary>
public static class ExprQuery
{
    /// <summary>
    /// The elementwise map <c>from a in x select f(a)</c>: <paramref name="f"/> is traced once on a scalar
    /// symbol; the result is one map node (one kernel on every backend) of x's shape, differentiable through f.
    /// f may use only elementwise ops and scalar constants.
    /// </summary>
    public static Expr Select(this Expr x, Func<Expr, Expr> f)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(f);
        return Tracing.Map([x], s => f(s[0]), "Select");
    }

    /// <summary>A projection that is not yet an Expr (a <c>let</c> or a transparent identifier); a later select completes it.</summary>
    public static ElementQuery<TResult> Select<TResult>(this Expr x, Func<Expr, TResult> f)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(f);
        return new ElementQuery<TResult>([x], s => f(s[0]));
    }

    /// <summary>The elementwise map over broadcast pairs: <c>f(a, b)</c> for the elements of x and y (numpy broadcasting).</summary>
    public static Expr Zip(this Expr x, Expr y, Func<Expr, Expr, Expr> f)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(f);
        return Tracing.Map([x, y], s => f(s[0], s[1]), "Zip");
    }

    /// <summary>
    /// The outer product <c>from a in x from b in y select f(a, b)</c>: shape x.Shape followed by y.Shape,
    /// element [i…, j…] = f(x[i…], y[j…]); one map node over x reshaped and y broadcast to that shape.
    /// </summary>
    public static Expr SelectMany(this Expr x, Func<Expr, Expr> collection, Func<Expr, Expr, Expr> result)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentNullException.ThrowIfNull(result);
        var inner = Tracing.Inner<Expr>([x], s => s[0], collection);
        return Tracing.Map(Tracing.Outer([x], inner), s => result(s[0], s[1]), "SelectMany");
    }

    /// <summary>The outer product with a projection that is not yet an Expr (a further <c>from</c> or <c>let</c> follows).</summary>
    public static ElementQuery<TResult> SelectMany<TResult>(this Expr x, Func<Expr, Expr> collection, Func<Expr, Expr, TResult> result)
    {
        ArgumentNullException.ThrowIfNull(x);
        return new ElementQuery<Expr>([x], s => s[0]).SelectMany(collection, result);
    }

    /// <summary>
    /// <c>where p(a)</c>: the elements for which p is non-zero. Aggregates of the result skip the others;
    /// materialized, they are zero.
    /// </summary>
    public static FilteredExpr Where(this Expr x, Func<Expr, Expr> predicate)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(predicate);
        return new FilteredExpr(x, Tracing.Map([x], s => predicate(s[0]), "Where"));
    }

    /// <summary>The sum of the elements over <paramref name="axes"/> (none: all): <see cref="Ops.ReduceSum(Expr, int[])"/>.</summary>
    public static Expr Sum(this Expr x, params int[] axes) => Ops.ReduceSum(x, axes);

    /// <summary>The mean of the elements over <paramref name="axes"/> (none: all): <see cref="Ops.ReduceMean(Expr, int[])"/>.</summary>
    public static Expr Average(this Expr x, params int[] axes) => Ops.ReduceMean(x, axes);

    /// <summary>The largest element over <paramref name="axes"/> (none: all): <see cref="Ops.ReduceMax(Expr, int[])"/>.</summary>
    public static Expr Max(this Expr x, params int[] axes) => Ops.ReduceMax(x, axes);

    /// <summary>The smallest element over <paramref name="axes"/> (none: all): <see cref="Ops.ReduceMin(Expr, int[])"/>.</summary>
    public static Expr Min(this Expr x, params int[] axes) => Ops.ReduceMin(x, axes);

    /// <summary>The number of elements over <paramref name="axes"/> (none: all), as a scalar of x's float dtype (Float64 for Int32).</summary>
    public static Expr Count(this Expr x, params int[] axes)
    {
        ArgumentNullException.ThrowIfNull(x);
        return Expr.Make(new SizeOfOp(ReductionOp.NormalizeAxes(x.Shape, axes, "Count")), x);
    }

    /// <summary>
    /// The rows of x (its slices along the leading axis) as a query source:
    /// <c>from row in x.Rows() select g(row)</c> maps g over them, vectorized (vmap) and differentiable.
    /// </summary>
    public static RowsQuery Rows(this Expr x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank == 0)
        {
            throw new ShapeException(
                $"Rows: a scalar (shape {x.Shape}) has no rows; Rows() needs a tensor of rank ≥ 1 and maps over its leading axis. Use Select for elementwise maps.");
        }
        return new RowsQuery(x);
    }

    /// <summary>g mapped over the rows of x, vectorized: the method form of <c>from row in x.Rows() select g(row)</c> (handy from F#).</summary>
    public static Expr MapRows(this Expr x, Func<Expr, Expr> g) => x.Rows().Select(g);
}
