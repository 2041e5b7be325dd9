namespace FuncNet;

/// <summary>
/// Eager arithmetic: each operator builds the same <see cref="Expr"/> op on placeholders of the operands'
/// shapes and evaluates it at once with <see cref="Expr.Eval()"/>, so it broadcasts, checks shapes and
/// dtypes, and fails exactly as the op does, and runs on <see cref="Backend.Default"/> (Core cannot name the
/// native backends; Eval finds them). A bare number is weak, as in Expr: <c>t * 2.0</c> keeps t's dtype.
/// This part of <see cref="Tensor"/> lives in Compilation, not Tensors: it needs ops and evaluation, which are
/// later layers than the tensor type itself.
/// </summary>
public sealed partial class Tensor
{
    /// <summary>Elementwise sum with broadcasting, evaluated now.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => Eager(Ops.Add, a, b);

    /// <summary>Elementwise sum with a weak scalar, evaluated now.</summary>
    public static Tensor operator +(Tensor a, double b) => Eager(Ops.Add, a, b);

    /// <summary>Elementwise sum with a weak scalar, evaluated now.</summary>
    public static Tensor operator +(double a, Tensor b) => Eager(Ops.Add, a, b);

    /// <summary>Elementwise difference with broadcasting, evaluated now.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => Eager(Ops.Subtract, a, b);

    /// <summary>Elementwise difference with a weak scalar, evaluated now.</summary>
    public static Tensor operator -(Tensor a, double b) => Eager(Ops.Subtract, a, b);

    /// <summary>Elementwise difference with a weak scalar, evaluated now.</summary>
    public static Tensor operator -(double a, Tensor b) => Eager(Ops.Subtract, a, b);

    /// <summary>Elementwise product with broadcasting, evaluated now (<see cref="MatMul(Tensor, Tensor)"/> is the matrix product).</summary>
    public static Tensor operator *(Tensor a, Tensor b) => Eager(Ops.Multiply, a, b);

    /// <summary>Elementwise product with a weak scalar, evaluated now.</summary>
    public static Tensor operator *(Tensor a, double b) => Eager(Ops.Multiply, a, b);

    /// <summary>Elementwise product with a weak scalar, evaluated now.</summary>
    public static Tensor operator *(double a, Tensor b) => Eager(Ops.Multiply, a, b);

    /// <summary>Elementwise quotient with broadcasting, evaluated now.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => Eager(Ops.Divide, a, b);

    /// <summary>Elementwise quotient with a weak scalar, evaluated now.</summary>
    public static Tensor operator /(Tensor a, double b) => Eager(Ops.Divide, a, b);

    /// <summary>Elementwise quotient with a weak scalar, evaluated now.</summary>
    public static Tensor operator /(double a, Tensor b) => Eager(Ops.Divide, a, b);

    /// <summary>Elementwise negation, evaluated now.</summary>
    public static Tensor operator -(Tensor a)
    {
        ArgumentNullException.ThrowIfNull(a);
        var pa = Operand(a, "a");
        return Ops.Negative(pa).Eval((pa, a));
    }

    /// <summary>The matrix product (batched over leading axes as <see cref="Ops.MatMul(Expr, Expr)"/>), evaluated now.</summary>
    public static Tensor MatMul(Tensor a, Tensor b) => Eager(Ops.MatMul, a, b);

    /// <summary>The matrix product of this tensor and <paramref name="other"/>, evaluated now.</summary>
    public Tensor MatMul(Tensor other) => MatMul(this, other);

    private static Tensor Eager(Func<Expr, Expr, Expr> op, Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        Expr pa = Operand(a, "a"), pb = Operand(b, "b");
        return op(pa, pb).Eval((pa, a), (pb, b));
    }

    private static Tensor Eager(Func<Expr, Expr, Expr> op, Tensor a, double b)
    {
        ArgumentNullException.ThrowIfNull(a);
        var pa = Operand(a, "a");
        return op(pa, b).Eval((pa, a));
    }

    private static Tensor Eager(Func<Expr, Expr, Expr> op, double a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(b);
        var pb = Operand(b, "b");
        return op(a, pb).Eval((pb, b));
    }

    // Placeholders rather than constants: constant folding would compute small results with the reference
    // kernels at compile time, and a constant node would hash the operand's elements into the node table.
    private static Expr Operand(Tensor value, string name) => Expr.Placeholder(name, value.Shape, value.DType);
}
