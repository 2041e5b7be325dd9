using FuncNet.Transforms;

namespace FuncNet.Linq;

/// <summary>
/// The rows of a tensor as a query source (<see cref="ExprQuery.Rows"/>). <c>select g(row)</c> traces g once
/// on a stand-in row and rebuilds the traced graph with a leading batch axis, op by op (each op's batching
/// rule lives with the op, as <c>Op.Batch</c>): no loop over rows, and the result differentiates like any Expr.
/// </summary>
public sealed class RowsQuery
{
    internal RowsQuery(Expr source) => Source = source;

    /// <summary>The tensor whose leading axis is mapped over.</summary>
    public Expr Source { get; }

    /// <summary>g applied to every row, stacked along the leading axis: shape [rows, ..g(row).Shape].</summary>
    public Expr Select(Func<Expr, Expr> g)
    {
        ArgumentNullException.ThrowIfNull(g);
        return Vmap.Apply(Source, g, "Rows().Select");
    }

    /// <summary>A projection that is not yet an Expr (a <c>let</c> inside a rows query).</summary>
    public RowsQuery<TResult> Select<TResult>(Func<Expr, TResult> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return new RowsQuery<TResult>(Source, f);
    }
}

/// <summary>A rows query whose projection is not yet an Expr; the final select maps the whole chain over the rows at once.</summary>
/// <typeparam name="T">What the range variables currently are.</typeparam>
public sealed class RowsQuery<T>
{
    private readonly Func<Expr, T> _project;

    internal RowsQuery(Expr source, Func<Expr, T> project)
    {
        Source = source;
        _project = project;
    }

    /// <summary>The tensor whose leading axis is mapped over.</summary>
    public Expr Source { get; }

    /// <summary>Completes the query: g of each row's projection, stacked along the leading axis.</summary>
    public Expr Select(Func<T, Expr> g)
    {
        ArgumentNullException.ThrowIfNull(g);
        var project = _project;
        return Vmap.Apply(Source, row => g(project(row)), "Rows().Select");
    }

    /// <summary>A further projection that is not yet an Expr.</summary>
    public RowsQuery<TResult> Select<TResult>(Func<T, TResult> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        var project = _project;
        return new RowsQuery<TResult>(Source, row => f(project(row)));
    }
}
