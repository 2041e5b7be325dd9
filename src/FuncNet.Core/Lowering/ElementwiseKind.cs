using FuncNet.Tensors;

namespace FuncNet.Lowering;

/// <summary>
/// out[i] = <see cref="Formula"/>(the used inputs read at i under numpy broadcasting): one fused kernel that
/// every backend's code generator writes from the formula.
/// </summary>
/// <param name="Name">The op's name, for messages.</param>
/// <param name="Formula">The scalar formula; argument j is the j-th entry of <see cref="Inputs"/>.</param>
/// <param name="Inputs">Which of the node's inputs the formula reads, in argument order.</param>
internal sealed record ElementwiseKind(string Name, ScalarExpr Formula, IntList Inputs) : KernelKind
{
    /// <summary>
    /// The kind of an op named <paramref name="name"/> whose formula reads all of its <paramref name="arity"/> inputs.
    /// It takes the formula as a function rather than the op: kinds are a layer below the ops that name them.
    /// </summary>
    public static ElementwiseKind Of(string name, Func<IReadOnlyList<ScalarExpr>, ScalarExpr> formula, int arity) =>
        new(name, formula(Enumerable.Range(0, arity).Select(ScalarExpr.Arg).ToArray()), new IntList(Enumerable.Range(0, arity)));

    /// <inheritdoc />
    public override string Describe() => $"elementwise {Name}";
}
