using FuncNet.Expressions;

namespace FuncNet;

/// <summary>
/// x limited to [Min, Max]. The gradient is 1 where Min ≤ x ≤ Max, bounds included, and 0 outside: PyTorch's
/// <c>clamp</c> backward.
/// </summary>
internal sealed record ClipOp(double Min, double Max) : UnaryOp
{
    public override string Name => "Clip";

    internal override ScalarExpr Formula(ScalarExpr x) => ScalarExpr.Min(ScalarExpr.Max(x, Min), Max);

    internal override Expr Derivative(Expr x, Expr y) => Ops.GreaterEqual(x, Min) * Ops.LessEqual(x, Max);

    internal override string Format(IReadOnlyList<string> inputs) => $"Clip({inputs[0]}, {Min}, {Max})";
}

public static partial class Ops
{
    /// <summary>
    /// Elementwise clip to [<paramref name="min"/>, <paramref name="max"/>] (PyTorch's <c>clamp</c>, numpy's
    /// <c>clip</c>); the gradient is 1 inside and at the bounds, 0 outside.
    /// </summary>
    public static Expr Clip(Expr x, double min, double max)
    {
        if (!(min <= max))
        {
            throw new FuncNetException($"Clip: the bounds must satisfy min ≤ max; given min = {min} and max = {max}.");
        }
        return Expr.Make(new ClipOp(min, max), x);
    }
}
