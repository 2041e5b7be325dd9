namespace FuncNet.Testing;

/// <summary>A built program: the output node, its placeholders and the values to feed them.</summary>
public sealed record BuiltExpr(Expr Output, IReadOnlyList<Expr> Inputs, IReadOnlyList<Tensor> Values)
{
    /// <summary>The placeholder → value feeds.</summary>
    public Dictionary<Expr, Tensor> Feeds => Inputs.Zip(Values).ToDictionary(p => p.First, p => p.Second);

    /// <summary>Feeds with the given values in place of <see cref="Values"/>.</summary>
    public Dictionary<Expr, Tensor> FeedsWith(IReadOnlyList<Tensor> values) => Inputs.Zip(values).ToDictionary(p => p.First, p => p.Second);
}
