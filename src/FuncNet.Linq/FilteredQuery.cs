namespace FuncNet.Linq;

/// <summary>
/// A filtered element query whose projection is not yet an Expr (a <c>let</c> before or after <c>where</c>);
/// the final select gives a <see cref="FilteredExpr"/>.
/// </summary>
/// <typeparam name="T">What the range variables currently are.</typeparam>
public sealed class FilteredQuery<T>
{
    private readonly Func<IReadOnlyList<Expr>, Expr> _predicate;

    internal FilteredQuery(IReadOnlyList<Expr> sources, Func<IReadOnlyList<Expr>, T> project, Func<IReadOnlyList<Expr>, Expr> predicate)
    {
        Sources = sources;
        Project = project;
        _predicate = predicate;
    }

    /// <summary>The tensors whose elements the query ranges over (broadcast together).</summary>
    public IReadOnlyList<Expr> Sources { get; }

    internal Func<IReadOnlyList<Expr>, T> Project { get; }

    /// <summary>Completes the query: the mapped values with the mask.</summary>
    public FilteredExpr Select(Func<T, Expr> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        var values = Tracing.Map(Sources, s => f(Project(s)), "Select");
        return new FilteredExpr(values, Tracing.Map(Sources, _predicate, "Where"));
    }

    /// <summary>A further projection that is not yet an Expr.</summary>
    public FilteredQuery<TResult> Select<TResult>(Func<T, TResult> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        var project = Project;
        return new FilteredQuery<TResult>(Sources, s => f(project(s)), _predicate);
    }

    /// <summary>Masks further: an element is kept when both conditions hold.</summary>
    public FilteredQuery<T> Where(Func<T, Expr> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var first = _predicate;
        var project = Project;
        return new FilteredQuery<T>(Sources, project, s => Ops.Where(first(s), predicate(project(s)), 0.0));
    }
}
