namespace FuncNet;

/// <summary>
/// out[i] = <see cref="Formula"/>(the used inputs read at i under numpy broadcasting): one fused kernel that
/// every backend's code generator writes from the formula.
/// </summary>
/// <param name="Name">The op's name, for messages.</param>
/// <param name="Formula">The scalar formula; argument j is the j-th entry of <see cref="Inputs"/>.</param>
/// <param name="Inputs">Which of the node's inputs the formula reads, in argument order.</param>
internal sealed record ElementwiseKind(string Name, ScalarExpr Formula, IntList Inputs) : KernelKind
{
    /// <summary>An op's formula over all of its <paramref name="arity"/> inputs.</summary>
    public static ElementwiseKind Of(ElementwiseOp op, int arity) =>
        new(op.Name, op.Formula(Enumerable.Range(0, arity).Select(ScalarExpr.Arg).ToArray()), new IntList(Enumerable.Range(0, arity)));

    /// <inheritdoc />
    public override string Describe() => $"elementwise {Name}";
}
