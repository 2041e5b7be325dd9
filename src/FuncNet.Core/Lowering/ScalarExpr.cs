using System.Globalization;
using FuncNet.Lowering;

namespace FuncNet;

/// <summary>The primitive scalar functions that elementwise formulas are written in and that every code generator knows.</summary>
public enum ScalarFn
{
    /// <summary>a + b</summary>
    Add,
    /// <summary>a − b</summary>
    Subtract,
    /// <summary>a · b</summary>
    Multiply,
    /// <summary>a / b</summary>
    Divide,
    /// <summary>−a</summary>
    Negate,
    /// <summary>eᵃ</summary>
    Exp,
    /// <summary>ln a</summary>
    Log,
    /// <summary>ln(1 + a), accurate near 0</summary>
    Log1p,
    /// <summary>√a</summary>
    Sqrt,
    /// <summary>|a|</summary>
    Abs,
    /// <summary>tanh a</summary>
    Tanh,
    /// <summary>max(a, b)</summary>
    Max,
    /// <summary>min(a, b)</summary>
    Min,
    /// <summary>aᵇ</summary>
    Pow,
    /// <summary>1 when a &lt; b, else 0</summary>
    Less,
    /// <summary>1 when a ≤ b, else 0</summary>
    LessEqual,
    /// <summary>1 when a &gt; b, else 0</summary>
    Greater,
    /// <summary>1 when a ≥ b, else 0</summary>
    GreaterEqual,
    /// <summary>1 when a = b, else 0</summary>
    Equal,
    /// <summary>1 when a ≠ b, else 0</summary>
    NotEqual,
    /// <summary>b when a ≠ 0, else c</summary>
    Select,
    /// <summary>−1, 0 or 1</summary>
    Sign,
    /// <summary>sin a (radians)</summary>
    Sin,
    /// <summary>cos a (radians)</summary>
    Cos,
    /// <summary>eᵃ − 1, accurate near 0</summary>
    Expm1,
    /// <summary>the error function erf a</summary>
    Erf,
    /// <summary>the largest integer ≤ a</summary>
    Floor,
    /// <summary>the nearest integer to a, halves to even (numpy, PyTorch)</summary>
    Round,
}

/// <summary>
/// A scalar formula over numbered arguments: the one definition of an elementwise op's value that the
/// Reference backend interprets and that the CPU and CUDA code generators translate. Immutable; its
/// <see cref="ToString"/> is canonical, so it serves as a structural cache key.
/// </summary>
public abstract class ScalarExpr
{
    private string? _text;

    /// <summary>Evaluates the formula in double precision.</summary>
    public abstract double Evaluate(ReadOnlySpan<double> args);

    /// <summary>Canonical prefix text, e.g. <c>Mul(x0, Exp(x1))</c>.</summary>
    public override string ToString() => _text ??= Format();

    private protected abstract string Format();

    /// <summary>Argument number <paramref name="index"/>.</summary>
    public static ScalarExpr Arg(int index) => new ScalarArg(index);

    /// <summary>A constant.</summary>
    public static ScalarExpr Const(double value) => new ScalarConst(value);

    /// <summary>A call of a primitive.</summary>
    public static ScalarExpr Call(ScalarFn fn, params ScalarExpr[] args) => new ScalarCall(fn, args);

    /// <summary>eˣ</summary>
    public static ScalarExpr Exp(ScalarExpr x) => Call(ScalarFn.Exp, x);
    /// <summary>ln x</summary>
    public static ScalarExpr Log(ScalarExpr x) => Call(ScalarFn.Log, x);
    /// <summary>ln(1 + x)</summary>
    public static ScalarExpr Log1p(ScalarExpr x) => Call(ScalarFn.Log1p, x);
    /// <summary>√x</summary>
    public static ScalarExpr Sqrt(ScalarExpr x) => Call(ScalarFn.Sqrt, x);
    /// <summary>|x|</summary>
    public static ScalarExpr Abs(ScalarExpr x) => Call(ScalarFn.Abs, x);
    /// <summary>tanh x</summary>
    public static ScalarExpr Tanh(ScalarExpr x) => Call(ScalarFn.Tanh, x);
    /// <summary>sin x</summary>
    public static ScalarExpr Sin(ScalarExpr x) => Call(ScalarFn.Sin, x);
    /// <summary>cos x</summary>
    public static ScalarExpr Cos(ScalarExpr x) => Call(ScalarFn.Cos, x);
    /// <summary>eˣ − 1</summary>
    public static ScalarExpr Expm1(ScalarExpr x) => Call(ScalarFn.Expm1, x);
    /// <summary>erf x</summary>
    public static ScalarExpr Erf(ScalarExpr x) => Call(ScalarFn.Erf, x);
    /// <summary>⌊x⌋</summary>
    public static ScalarExpr Floor(ScalarExpr x) => Call(ScalarFn.Floor, x);
    /// <summary>x rounded to the nearest integer, halves to even</summary>
    public static ScalarExpr Round(ScalarExpr x) => Call(ScalarFn.Round, x);
    /// <summary>max(a, b)</summary>
    public static ScalarExpr Max(ScalarExpr a, ScalarExpr b) => Call(ScalarFn.Max, a, b);
    /// <summary>min(a, b)</summary>
    public static ScalarExpr Min(ScalarExpr a, ScalarExpr b) => Call(ScalarFn.Min, a, b);
    /// <summary>c ≠ 0 ? a : b</summary>
    public static ScalarExpr Select(ScalarExpr c, ScalarExpr a, ScalarExpr b) => Call(ScalarFn.Select, c, a, b);
    /// <summary>1 when a &gt; b, else 0</summary>
    public static ScalarExpr Greater(ScalarExpr a, ScalarExpr b) => Call(ScalarFn.Greater, a, b);

    /// <summary>a + b</summary>
    public static ScalarExpr operator +(ScalarExpr a, ScalarExpr b) => Call(ScalarFn.Add, a, b);
    /// <summary>a − b</summary>
    public static ScalarExpr operator -(ScalarExpr a, ScalarExpr b) => Call(ScalarFn.Subtract, a, b);
    /// <summary>a · b</summary>
    public static ScalarExpr operator *(ScalarExpr a, ScalarExpr b) => Call(ScalarFn.Multiply, a, b);
    /// <summary>a / b</summary>
    public static ScalarExpr operator /(ScalarExpr a, ScalarExpr b) => Call(ScalarFn.Divide, a, b);
    /// <summary>−a</summary>
    public static ScalarExpr operator -(ScalarExpr a) => Call(ScalarFn.Negate, a);
    /// <summary>A constant.</summary>
    public static implicit operator ScalarExpr(double value) => Const(value);

    /// <summary>The value of a primitive on double arguments: the semantics every code generator must match.</summary>
    public static double Apply(ScalarFn fn, double a, double b = 0, double c = 0) => fn switch
    {
        ScalarFn.Add => a + b,
        ScalarFn.Subtract => a - b,
        ScalarFn.Multiply => a * b,
        ScalarFn.Divide => a / b,
        ScalarFn.Negate => -a,
        ScalarFn.Exp => Math.Exp(a),
        ScalarFn.Log => Math.Log(a),
        ScalarFn.Log1p => ScalarMath.Log1p(a),
        ScalarFn.Sqrt => Math.Sqrt(a),
        ScalarFn.Abs => Math.Abs(a),
        ScalarFn.Tanh => Math.Tanh(a),
        ScalarFn.Max => double.IsNaN(a) || double.IsNaN(b) ? double.NaN : Math.Max(a, b),
        ScalarFn.Min => double.IsNaN(a) || double.IsNaN(b) ? double.NaN : Math.Min(a, b),
        ScalarFn.Pow => Math.Pow(a, b),
        ScalarFn.Less => a < b ? 1 : 0,
        ScalarFn.LessEqual => a <= b ? 1 : 0,
        ScalarFn.Greater => a > b ? 1 : 0,
        ScalarFn.GreaterEqual => a >= b ? 1 : 0,
        ScalarFn.Equal => a == b ? 1 : 0,
        ScalarFn.NotEqual => a != b ? 1 : 0,
        ScalarFn.Select => a != 0 ? b : c,
        ScalarFn.Sign => double.IsNaN(a) ? double.NaN : Math.Sign(a),
        ScalarFn.Sin => Math.Sin(a),
        ScalarFn.Cos => Math.Cos(a),
        ScalarFn.Expm1 => ScalarMath.Expm1(a),
        ScalarFn.Erf => ScalarMath.Erf(a),
        ScalarFn.Floor => Math.Floor(a),
        ScalarFn.Round => Math.Round(a, MidpointRounding.ToEven),
        _ => throw new ArgumentOutOfRangeException(nameof(fn)),
    };

    /// <summary>The number of arguments a primitive takes.</summary>
    public static int ArityOf(ScalarFn fn) => fn switch
    {
        ScalarFn.Negate or ScalarFn.Exp or ScalarFn.Log or ScalarFn.Log1p or ScalarFn.Sqrt or ScalarFn.Abs
            or ScalarFn.Tanh or ScalarFn.Sign or ScalarFn.Sin or ScalarFn.Cos or ScalarFn.Expm1 or ScalarFn.Erf
            or ScalarFn.Floor or ScalarFn.Round => 1,
        ScalarFn.Select => 3,
        _ => 2,
    };
}

/// <summary>An argument of a scalar formula.</summary>
public sealed class ScalarArg : ScalarExpr
{
    internal ScalarArg(int index) => Index = index;

    /// <summary>Which argument.</summary>
    public int Index { get; }

    /// <inheritdoc />
    public override double Evaluate(ReadOnlySpan<double> args) => args[Index];

    private protected override string Format() => "x" + Index.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A constant in a scalar formula.</summary>
public sealed class ScalarConst : ScalarExpr
{
    internal ScalarConst(double value) => Value = value;

    /// <summary>The value.</summary>
    public double Value { get; }

    /// <inheritdoc />
    public override double Evaluate(ReadOnlySpan<double> args) => Value;

    private protected override string Format() => Value.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>A call of a primitive in a scalar formula.</summary>
public sealed class ScalarCall : ScalarExpr
{
    internal ScalarCall(ScalarFn fn, ScalarExpr[] args)
    {
        if (args.Length != ArityOf(fn))
        {
            throw new ArgumentException($"{fn} takes {ArityOf(fn)} arguments; given {args.Length}.");
        }
        Fn = fn;
        Args = args;
    }

    /// <summary>The primitive.</summary>
    public ScalarFn Fn { get; }

    /// <summary>Its arguments.</summary>
    public IReadOnlyList<ScalarExpr> Args { get; }

    /// <inheritdoc />
    public override double Evaluate(ReadOnlySpan<double> args) => Args.Count switch
    {
        1 => Apply(Fn, Args[0].Evaluate(args)),
        2 => Apply(Fn, Args[0].Evaluate(args), Args[1].Evaluate(args)),
        _ => Apply(Fn, Args[0].Evaluate(args), Args[1].Evaluate(args), Args[2].Evaluate(args)),
    };

    private protected override string Format() => $"{Fn}({string.Join(", ", Args)})";
}
