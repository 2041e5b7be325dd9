using FuncNet.Expressions;

namespace FuncNet;

/// <summary>
/// A node of an immutable, hash-consed tensor expression DAG. The same op on the same inputs is the same
/// node, so common subexpressions are shared by construction. Shape and dtype are inferred when a node is
/// built; an invalid combination throws right there. Build nodes with the statics of <see cref="Ops"/>,
/// the operators below, <see cref="Placeholder(string, Shape?, DType)"/>, <see cref="Variable"/> and <see cref="Constant(Tensor)"/>.
/// </summary>
public sealed partial class Expr
{
    private readonly Expr[] _inputs;

    internal Expr(Op op, Expr[] inputs, Shape shape, DType dtype, long id)
    {
        Op = op;
        _inputs = inputs;
        Shape = shape;
        DType = dtype;
        Id = id;
    }

    /// <summary>The operation.</summary>
    public Op Op { get; }

    /// <summary>The operands.</summary>
    public IReadOnlyList<Expr> Inputs => _inputs;

    /// <summary>The inferred shape (dimensions of -1 are known only when values are fed).</summary>
    public Shape Shape { get; }

    /// <summary>The inferred element type.</summary>
    public DType DType { get; }

    /// <summary>The rank.</summary>
    public int Rank => Shape.Rank;

    /// <summary>
    /// A process-wide unique number, increasing in creation order. Inputs are always created before the
    /// node that uses them, so sorting by Id is a topological order.
    /// </summary>
    public long Id { get; }

    /// <summary>The name of a placeholder or variable; null for other nodes.</summary>
    public string? Name => Op switch
    {
        PlaceholderOp p => p.PlaceholderName,
        VariableOp v => v.VariableName,
        _ => null,
    };

    /// <summary>Builds (or finds) the node for an op on inputs, inferring shape and dtype.</summary>
    internal static Expr Make(Op op, params Expr[] inputs)
    {
        var shapes = new Shape[inputs.Length];
        var dtypes = new DType[inputs.Length];
        for (var i = 0; i < inputs.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(inputs[i], $"input {i} of {op.Name}");
            shapes[i] = inputs[i].Shape;
            dtypes[i] = inputs[i].DType;
        }
        var (shape, dtype) = op.Infer(shapes, dtypes);
        return ExprTable.Intern(op, inputs, shape, dtype);
    }

    /// <summary>Infix text, e.g. <c>Sigmoid(MatMul(x, w) + b)</c>.</summary>
    public override string ToString() => ExprPrinter.Print(this);

    /// <summary>Reference equality is value equality: equal expressions are the same node.</summary>
    public override int GetHashCode() => Id.GetHashCode();

    /// <inheritdoc />
    public override bool Equals(object? obj) => ReferenceEquals(this, obj);
}
