using FuncNet.Expressions;
using FuncNet.Lowering;

namespace FuncNet;

/// <summary>A named, trainable value with an initial tensor. Identity is the unique id, never the name.</summary>
internal sealed record VariableOp(long Identity, string VariableName, Tensor InitialValue) : Op
{
    public override string Name => "Variable";

    // Lowering: a leaf: the plan binds the stored value.
    internal override KernelKind Lower(IReadOnlyList<Shape> inputs, IReadOnlyList<DType> dtypes, Shape shape, DType dtype) =>
        new BoundKind();

    internal override (Shape, DType) Infer(IReadOnlyList<Shape> shapes, IReadOnlyList<DType> dtypes) => (InitialValue.Shape, InitialValue.DType);

    internal override Tensor Reference(IReadOnlyList<Tensor> inputs, Shape outputShape, DType outputDType) => InitialValue;

    internal override Expr?[] Vjp(Expr node, Expr gradient) => [];

    internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents) => null;

    internal override string Format(IReadOnlyList<string> inputs) => VariableName;

    public bool Equals(VariableOp? other) => other is not null && other.Identity == Identity;

    public override int GetHashCode() => Identity.GetHashCode();
}

public sealed partial class Expr
{
    /// <summary>
    /// A named trainable variable with its initial value. A <c>Session</c> holds its current value;
    /// evaluation outside a session uses the initial value.
    /// </summary>
    public static Expr Variable(string name, Tensor initialValue)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(initialValue);
        return Make(new VariableOp(ExprTable.NextIdentity(), name, initialValue));
    }

    /// <summary>True when this node is a variable.</summary>
    public bool IsVariable => Op is VariableOp;

    /// <summary>The initial value of a variable; throws for other nodes.</summary>
    public Tensor InitialValue => Op is VariableOp v
        ? v.InitialValue
        : throw new FuncNetException($"InitialValue: {this} is not a variable.");
}
