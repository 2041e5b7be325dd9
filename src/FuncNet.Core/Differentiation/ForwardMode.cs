using FuncNet.Expressions;

namespace FuncNet.Differentiation;

/// <summary>Forward accumulation: tangents pushed through the DAG in topological order with each op's JVP rule.</summary>
internal static class ForwardMode
{
    public static Expr Jvp(Expr y, IReadOnlyList<Expr> xs, IReadOnlyList<Expr> tangents)
    {
        ArgumentNullException.ThrowIfNull(y);
        if (xs.Count != tangents.Count)
        {
            throw new FuncNetException($"Jvp: expected one tangent per input; given {xs.Count} inputs and {tangents.Count} tangents.");
        }
        var tangent = new Dictionary<Expr, Expr?>();
        for (var i = 0; i < xs.Count; i++)
        {
            var t = tangents[i].Adopt(xs[i].DType);
            if (!t.Shape.IsCompatibleWith(xs[i].Shape) || t.DType != xs[i].DType)
            {
                throw new ShapeException($"Jvp: the tangent for {xs[i]} must have shape {xs[i].Shape} and dtype {xs[i].DType}; given {t.Shape} {t.DType}.");
            }
            tangent[xs[i]] = Ops.BroadcastLike(t, xs[i]);
        }
        foreach (var node in GraphWalk.Topological([y]))
        {
            if (tangent.ContainsKey(node))
            {
                continue;
            }
            var inputs = node.Inputs.Select(i => tangent.GetValueOrDefault(i)).ToArray();
            tangent[node] = inputs.All(t => t is null) ? null : node.Op.Jvp(node, inputs);
        }
        return tangent[y] ?? Ops.ZerosLike(y);
    }
}
