namespace FuncNet;

public sealed partial class Expr
{
    /// <summary>Elementwise sum with broadcasting.</summary>
    public static Expr operator +(Expr a, Expr b) => Ops.Add(a, b);

    /// <summary>Elementwise difference with broadcasting.</summary>
    public static Expr operator -(Expr a, Expr b) => Ops.Subtract(a, b);

    /// <summary>Elementwise product with broadcasting (use <see cref="Ops.MatMul(Expr, Expr)"/> for matrix products).</summary>
    public static Expr operator *(Expr a, Expr b) => Ops.Multiply(a, b);

    /// <summary>Elementwise quotient with broadcasting.</summary>
    public static Expr operator /(Expr a, Expr b) => Ops.Divide(a, b);

    /// <summary>Elementwise negation.</summary>
    public static Expr operator -(Expr a) => Ops.Negative(a);
}

/// <summary>
/// The op catalogue: every way to build an <see cref="Expr"/>. In C#, <c>using static FuncNet.Ops;</c>;
/// in F#, <c>open type FuncNet.Ops</c>. Each op's definition (shape rule, reference kernel, derivative
/// rules, scalar formula) sits in one file under <c>Expressions/</c> together with its function here.
/// </summary>
public static partial class Ops
{
    /// <summary>Builds a binary op, letting a weak (bare number) constant adopt the other operand's dtype.</summary>
    internal static Expr Binary(Op op, Expr a, Expr b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var (left, right) = Expr.Reconcile(a, b);
        return Expr.Make(op, left, right);
    }

    /// <summary>A tensor of zeros with the shape and dtype of <paramref name="x"/>.</summary>
    public static Expr ZerosLike(Expr x) => BroadcastLike(Expr.Constant(0.0, x.DType), x);

    /// <summary>A tensor of ones with the shape and dtype of <paramref name="x"/>.</summary>
    public static Expr OnesLike(Expr x) => BroadcastLike(Expr.Constant(1.0, x.DType), x);

    /// <summary>A constant from a tensor.</summary>
    public static Expr Constant(Tensor value) => Expr.Constant(value);

    /// <summary>A scalar constant of the given dtype.</summary>
    public static Expr Constant(double value, DType dtype) => Expr.Constant(value, dtype);
}
