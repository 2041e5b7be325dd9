namespace FuncNet.Linq;

/// <summary>
/// An element query whose projection is not yet an Expr: what C# makes of <c>let</c> and of a further
/// <c>from</c> (a transparent identifier holding several range variables). It stays symbolic: the final
/// <c>select</c> traces the whole chain once into one map node, so a <c>let</c> value is one shared node of
/// the body.
/// </summary>
/// <typeparam name="T">What the range variables currently are (e.g. an anonymous type of Exprs).</typeparam>
public sealed class ElementQuery<T>
{
    internal ElementQuery(IReadOnlyList<Expr> sources, Func<IReadOnlyList<Expr>, T> project)
    {
        Sources = sources;
        Project = project;
    }

    /// <summary>The tensors whose elements the query ranges over (broadcast together).</summary>
    public IReadOnlyList<Expr> Sources { get; }

    internal Func<IReadOnlyList<Expr>, T> Project { get; }

    /// <summary>Completes the query: one map node of <paramref name="f"/> over the sources.</summary>
    public Expr Select(Func<T, Expr> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return Tracing.Map(Sources, s => f(Project(s)), "Select");
    }

    /// <summary>A further projection that is not yet an Expr.</summary>
    public ElementQuery<TResult> Select<TResult>(Func<T, TResult> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return new ElementQuery<TResult>(Sources, s => f(Project(s)));
    }

    /// <summary>Masks the elements for which <paramref name="predicate"/> is zero (see <see cref="FilteredExpr"/>).</summary>
    public FilteredQuery<T> Where(Func<T, Expr> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return new FilteredQuery<T>(Sources, Project, s => predicate(Project(s)));
    }

    /// <summary>The outer product with one more independent source, completed by <paramref name="result"/>.</summary>
    public Expr SelectMany(Func<T, Expr> collection, Func<T, Expr, Expr> result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var (sources, project) = Extend(collection);
        return Tracing.Map(sources, s => result(project(s), s[^1]), "SelectMany");
    }

    /// <summary>The outer product with one more independent source, with a projection that is not yet an Expr.</summary>
    public ElementQuery<TResult> SelectMany<TResult>(Func<T, Expr> collection, Func<T, Expr, TResult> result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var (sources, project) = Extend(collection);
        return new ElementQuery<TResult>(sources, s => result(project(s), s[^1]));
    }

    private (Expr[] Sources, Func<IReadOnlyList<Expr>, T> Project) Extend(Func<T, Expr> collection)
    {
        ArgumentNullException.ThrowIfNull(collection);
        var inner = Tracing.Inner(Sources, Project, collection);
        var sources = Tracing.Outer(Sources, inner);
        var project = Project;
        var count = Sources.Count;
        return (sources, s => project(s.Take(count).ToArray()));
    }
}
