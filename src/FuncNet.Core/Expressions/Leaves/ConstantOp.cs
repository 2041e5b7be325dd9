using FuncNet.Lowering;

namespace FuncNet;

/// <summary>
/// A constant value. A constant made from a bare .NET number is "weak": it takes the dtype of the other
/// operand of a binary op, so <c>x * 2.0</c> stays Float32 when x is.
/// </summary>
internal sealed record ConstantOp(Tensor Value, bool Weak) : Op
{
    public override string Name => "Constant";

    // Lowering: a leaf: the plan binds its value.
    internal override KernelKind Lower(IReadOnlyList<Shape> inputs, IReadOnlyList<DType> dtypes, Shape shape, DType dtype) =>
        new BoundKind();

    internal override (Shape, DType) Infer(IReadOnlyList<Shape> shapes, IReadOnlyList<DType> dtypes) => (Value.Shape, Value.DType);

    internal override Tensor Reference(IReadOnlyList<Tensor> inputs, Shape outputShape, DType outputDType) => Value;

    internal override Expr?[] Vjp(Expr node, Expr gradient) => [];

    internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents) => null;

    internal override string Format(IReadOnlyList<string> inputs) =>
        Value.Size == 1 ? Value.ToString().Trim('[', ']') : $"Constant{Value.Shape}";

    /// <summary>True when every element equals <paramref name="v"/>.</summary>
    public bool IsAll(double v)
    {
        for (var i = 0; i < Value.Size; i++)
        {
            if (Value.GetDouble(i) != v) { return false; }
        }
        return true;
    }
}

public sealed partial class Expr
{
    /// <summary>A constant node holding <paramref name="value"/>.</summary>
    public static Expr Constant(Tensor value) => Make(new ConstantOp(value ?? throw new ArgumentNullException(nameof(value)), false));

    /// <summary>A scalar constant of the given dtype.</summary>
    public static Expr Constant(double value, DType dtype) => Make(new ConstantOp(Tensor.Scalar(value, dtype), false));

    internal static Expr WeakScalar(double value) => Make(new ConstantOp(Tensor.Scalar(value), true));

    /// <summary>A weak Float64 scalar constant: it adopts the dtype of the other operand of a binary op.</summary>
    public static implicit operator Expr(double value) => WeakScalar(value);

    /// <summary>True when this node is a constant.</summary>
    public bool IsConstant => Op is ConstantOp;

    /// <summary>True when this node is a weak scalar constant made from a bare .NET number.</summary>
    internal bool IsWeak => Op is ConstantOp { Weak: true };

    /// <summary>This node with a weak constant re-typed to <paramref name="dtype"/>.</summary>
    internal Expr Adopt(DType dtype) =>
        Op is ConstantOp { Weak: true } c && c.Value.DType != dtype ? Make(new ConstantOp(c.Value.Cast(dtype), true)) : this;

    /// <summary>
    /// Two operands of one op with their dtypes reconciled: a weak constant takes the other operand's dtype.
    /// When both are weak, a fresh bare number (Float64, the default) takes the dtype that the other one
    /// already adopted from a typed operand: in a derivative rule such as <c>b - 1.0</c>, where b is a bare
    /// number already re-typed to Float32, both must end Float32. Adopting each other's dtype at once would
    /// swap them and give a dtype mismatch.
    /// </summary>
    internal static (Expr A, Expr B) Reconcile(Expr a, Expr b)
    {
        if (a.IsWeak && b.IsWeak)
        {
            return a.DType == DType.Float64 ? (a.Adopt(b.DType), b) : (a, b.Adopt(a.DType));
        }
        return (a.Adopt(b.DType), b.Adopt(a.DType));
    }
}
