namespace FuncNet;

// F# applies op_Implicit to method arguments but not to operator operands, so `x * 2.0` and `1.0 - x` need
// these overloads there; in C# they pick the same weak scalar constant the implicit conversion would.
public sealed partial class Expr
{
    /// <summary>x + a weak scalar constant (it adopts x's dtype).</summary>
    public static Expr operator +(Expr a, double b) => Ops.Add(a, WeakScalar(b));

    /// <summary>A weak scalar constant + x.</summary>
    public static Expr operator +(double a, Expr b) => Ops.Add(WeakScalar(a), b);

    /// <summary>x − a weak scalar constant.</summary>
    public static Expr operator -(Expr a, double b) => Ops.Subtract(a, WeakScalar(b));

    /// <summary>A weak scalar constant − x.</summary>
    public static Expr operator -(double a, Expr b) => Ops.Subtract(WeakScalar(a), b);

    /// <summary>x · a weak scalar constant.</summary>
    public static Expr operator *(Expr a, double b) => Ops.Multiply(a, WeakScalar(b));

    /// <summary>A weak scalar constant · x.</summary>
    public static Expr operator *(double a, Expr b) => Ops.Multiply(WeakScalar(a), b);

    /// <summary>x / a weak scalar constant.</summary>
    public static Expr operator /(Expr a, double b) => Ops.Divide(a, WeakScalar(b));

    /// <summary>A weak scalar constant / x.</summary>
    public static Expr operator /(double a, Expr b) => Ops.Divide(WeakScalar(a), b);
}
