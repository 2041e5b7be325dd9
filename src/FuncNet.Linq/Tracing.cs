using FuncNet.Expressions;

namespace FuncNet.Linq;

/// <summary>How every element query becomes one map node: the sources broadcast together, the body traced once on scalar symbols.</summary>
internal static class Tracing
{
    /// <summary>The shapes of the sources as errors print them.</summary>
    public static string Shapes(IReadOnlyList<Expr> sources) => string.Join(" and ", sources.Select(s => s.Shape));

    /// <summary>Requires the sources to broadcast; throws a ShapeException naming the query and the shapes.</summary>
    public static void RequireBroadcast(IReadOnlyList<Expr> sources, string query)
    {
        var shape = sources[0].Shape;
        foreach (var s in sources.Skip(1))
        {
            shape = Shape.TryBroadcast(shape, s.Shape) ?? throw new ShapeException(
                $"{query}: the shapes {Shapes(sources)} do not broadcast (numpy rules: aligned at the right, each pair of dimensions equal or one of them 1). " +
                "Reshape or ExpandDims one operand, or use SelectMany for all pairs.");
        }
    }

    /// <summary>One map node of <paramref name="body"/> over <paramref name="sources"/>, with errors naming the query and shapes.</summary>
    public static Expr Map(IReadOnlyList<Expr> sources, Func<IReadOnlyList<Expr>, Expr> body, string query)
    {
        RequireBroadcast(sources, query);
        var where = $"{query} over {Shapes(sources)}";
        try
        {
            return Ops.Map(sources, body, where);
        }
        catch (FuncNetException e) when (e is not QueryException and not ShapeException and not DTypeException)
        {
            throw new QueryException(e.Message, e);
        }
    }

    /// <summary>
    /// Probes a second source of SelectMany with stand-ins for the first range variables and requires that it
    /// does not depend on them: a collection per element would be a ragged tensor.
    /// </summary>
    public static Expr Inner<T>(IReadOnlyList<Expr> sources, Func<IReadOnlyList<Expr>, T> project, Func<T, Expr> collection)
    {
        var probes = sources.Select((s, i) => Expr.Placeholder("a" + i, Shape.Scalar, s.DType)).ToArray();
        var inner = collection(project(probes)) ?? throw new QueryException("SelectMany: the second source is null; it must be an Expr.");
        var reached = GraphWalk.Topological([inner]);
        if (probes.Any(reached.Contains))
        {
            throw new QueryException(
                $"SelectMany over {Shapes(sources)}: the second source ({inner.Shape}) depends on the first range variable; " +
                "only independent sources form an outer product. Combine dependent values in the select clause instead.");
        }
        return inner;
    }

    /// <summary>The sources of an outer product: the first ones with trailing length-1 axes for the inner source's rank, then the inner source.</summary>
    public static Expr[] Outer(IReadOnlyList<Expr> sources, Expr inner)
    {
        var rank = sources.Max(s => s.Rank);
        var trailing = Enumerable.Range(rank, inner.Rank).ToArray();
        // Sources of lower rank are first brought to the common rank at the left so that the new axes land after all of them.
        return [.. sources.Select(s => Ops.ExpandDims(s.Rank < rank ? Ops.ExpandDims(s, Enumerable.Range(0, rank - s.Rank).ToArray()) : s, trailing)), inner];
    }
}
