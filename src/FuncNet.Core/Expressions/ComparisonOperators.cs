namespace FuncNet;

// Comparisons return 1/0 tensors (not bool), which is what where-clauses and masks need: `from a in x where a > 0 select a`.
// Equality stays reference equality (hash-consing makes it value equality); use Ops.Equal for elementwise ==.
public sealed partial class Expr
{
    /// <summary>Elementwise a &gt; b as 1/0 in the operands' dtype (<see cref="Ops.Greater"/>).</summary>
    public static Expr operator >(Expr a, Expr b) => Ops.Greater(a, b);

    /// <summary>Elementwise a &gt; b as 1/0 in the operands' dtype (<see cref="Ops.Greater"/>).</summary>
    public static Expr operator >(Expr a, double b) => Ops.Greater(a, WeakScalar(b));

    /// <summary>Elementwise a &gt; b as 1/0 in the operands' dtype (<see cref="Ops.Greater"/>).</summary>
    public static Expr operator >(double a, Expr b) => Ops.Greater(WeakScalar(a), b);

    /// <summary>Elementwise a &lt; b as 1/0 in the operands' dtype (<see cref="Ops.Less"/>).</summary>
    public static Expr operator <(Expr a, Expr b) => Ops.Less(a, b);

    /// <summary>Elementwise a &lt; b as 1/0 in the operands' dtype (<see cref="Ops.Less"/>).</summary>
    public static Expr operator <(Expr a, double b) => Ops.Less(a, WeakScalar(b));

    /// <summary>Elementwise a &lt; b as 1/0 in the operands' dtype (<see cref="Ops.Less"/>).</summary>
    public static Expr operator <(double a, Expr b) => Ops.Less(WeakScalar(a), b);

    /// <summary>Elementwise a ≥ b as 1/0 in the operands' dtype (<see cref="Ops.GreaterEqual"/>).</summary>
    public static Expr operator >=(Expr a, Expr b) => Ops.GreaterEqual(a, b);

    /// <summary>Elementwise a ≥ b as 1/0 in the operands' dtype (<see cref="Ops.GreaterEqual"/>).</summary>
    public static Expr operator >=(Expr a, double b) => Ops.GreaterEqual(a, WeakScalar(b));

    /// <summary>Elementwise a ≥ b as 1/0 in the operands' dtype (<see cref="Ops.GreaterEqual"/>).</summary>
    public static Expr operator >=(double a, Expr b) => Ops.GreaterEqual(WeakScalar(a), b);

    /// <summary>Elementwise a ≤ b as 1/0 in the operands' dtype (<see cref="Ops.LessEqual"/>).</summary>
    public static Expr operator <=(Expr a, Expr b) => Ops.LessEqual(a, b);

    /// <summary>Elementwise a ≤ b as 1/0 in the operands' dtype (<see cref="Ops.LessEqual"/>).</summary>
    public static Expr operator <=(Expr a, double b) => Ops.LessEqual(a, WeakScalar(b));

    /// <summary>Elementwise a ≤ b as 1/0 in the operands' dtype (<see cref="Ops.LessEqual"/>).</summary>
    public static Expr operator <=(double a, Expr b) => Ops.LessEqual(WeakScalar(a), b);
}
