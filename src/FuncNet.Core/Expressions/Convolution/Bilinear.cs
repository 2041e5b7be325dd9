namespace FuncNet.Expressions;

/// <summary>
/// The forward-mode rule of an op of two inputs that is linear in each (the three convolution ops): the
/// derivative along (ta, tb) is op(ta, b) + op(a, tb), the op itself run on one tangent and the other input.
/// </summary>
internal static class Bilinear
{
    /// <summary>op(ta, b) + op(a, tb) for <paramref name="node"/> = op(a, b); a null tangent is zero and drops its term.</summary>
    public static Expr? Jvp(Op op, Expr node, IReadOnlyList<Expr?> tangents)
    {
        Expr a = node.Inputs[0], b = node.Inputs[1];
        return Tangents.Add(
            tangents[0] is { } ta ? Expr.Make(op, ta, b) : null,
            tangents[1] is { } tb ? Expr.Make(op, a, tb) : null);
    }
}
