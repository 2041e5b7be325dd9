namespace FuncNet.Expressions;

/// <summary>
/// An op that stands for a graph of other ops (a custom VJP's traced body) and is replaced by that graph before
/// lowering. It lives here, in the op catalogue's layer, so that rewriting can inline such nodes without knowing
/// the later layer (differentiation) that defines them: the dependency points down, not back up.
/// </summary>
internal interface IInlinedOp
{
    /// <summary>The graph this op stands for, rebuilt over <paramref name="inputs"/>.</summary>
    Expr Inline(IReadOnlyList<Expr> inputs);
}
