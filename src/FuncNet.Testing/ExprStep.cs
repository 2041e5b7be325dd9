namespace FuncNet.Testing;

/// <summary>
/// One instruction of a random expression program: either a new input (a placeholder with a value) or an op
/// applied to earlier nodes, referred to by index. Steps only look backwards, so every prefix of a program is
/// itself a valid program: that is what shrinking relies on.
/// </summary>
public sealed record ExprStep(string Description, int[] Operands, Func<IReadOnlyList<Expr>, Expr>? Apply, Tensor? InputValue)
{
    /// <summary>True for an input step (a placeholder fed with <see cref="InputValue"/>).</summary>
    public bool IsInput => InputValue is not null;
}
