using FuncNet.Expressions;

namespace FuncNet;

/// <summary>Chooses a where the condition is non-zero, b elsewhere; all three broadcast.</summary>
internal sealed record WhereOp : ElementwiseOp
{
    public override string Name => "Where";

    protected override bool AcceptsInt => true;

    internal override (Shape, DType) Infer(IReadOnlyList<Shape> shapes, IReadOnlyList<DType> dtypes)
    {
        var (shape, _) = base.Infer(shapes, [dtypes[1], dtypes[1], dtypes[1]]);
        return (shape, RequireSame([dtypes[1], dtypes[2]]));
    }

    internal override ScalarExpr Formula(IReadOnlyList<ScalarExpr> args) => ScalarExpr.Select(args[0], args[1], args[2]);

    internal override Expr?[] Vjp(Expr node, Expr gradient)
    {
        var c = node.Inputs[0];
        return
        [
            null,
            Ops.SumToShapeOf(Ops.Where(c, gradient, 0.0), node.Inputs[1]),
            Ops.SumToShapeOf(Ops.Where(c, 0.0, gradient), node.Inputs[2]),
        ];
    }

    internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents) =>
        tangents[1] is null && tangents[2] is null
            ? null
            : Ops.BroadcastLike(Ops.Where(node.Inputs[0], tangents[1] ?? 0.0, tangents[2] ?? 0.0), node);
}

public static partial class Ops
{
    /// <summary>
    /// Elementwise choice: <paramref name="a"/> where <paramref name="condition"/> is non-zero, else
    /// <paramref name="b"/>; all three broadcast. Conditions are the 1/0 tensors that comparisons return.
    /// </summary>
    public static Expr Where(Expr condition, Expr a, Expr b)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var (left, right) = Expr.Reconcile(a, b);
        return Expr.Make(new WhereOp(), condition.Adopt(left.DType), left, right);
    }
}
