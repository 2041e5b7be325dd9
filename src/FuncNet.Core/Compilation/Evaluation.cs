namespace FuncNet;

public sealed partial class Expr
{
    /// <summary>Evaluates this expression once on the default backend; variables take their initial values.</summary>
    public Tensor Eval() => Eval((IReadOnlyDictionary<Expr, Tensor>?)null);

    /// <summary>Evaluates this expression once with the given feeds (placeholder → value).</summary>
    public Tensor Eval(IReadOnlyDictionary<Expr, Tensor>? feeds)
    {
        using var plan = Plan.Compile([this]);
        return plan.Run(feeds)[0];
    }

    /// <summary>Evaluates this expression once with feeds given as pairs: <c>x.Eval((p, value), (q, other))</c>.</summary>
    public Tensor Eval(params (Expr Node, Tensor Value)[] feeds) => Eval(feeds.ToDictionary(p => p.Node, p => p.Value));

    /// <summary>Evaluates this expression once with feeds given as F# tuples: <c>x.Eval [p, value]</c>.</summary>
    public Tensor Eval(IEnumerable<Tuple<Expr, Tensor>> feeds) => Eval(feeds.ToDictionary(p => p.Item1, p => p.Item2));
}

public static partial class Ops
{
    /// <summary>Evaluates several outputs together (shared nodes computed once) with the given feeds.</summary>
    public static Tensor[] Eval(IReadOnlyList<Expr> outputs, IReadOnlyDictionary<Expr, Tensor>? feeds)
    {
        using var plan = Plan.Compile(outputs);
        return plan.Run(feeds);
    }
}
