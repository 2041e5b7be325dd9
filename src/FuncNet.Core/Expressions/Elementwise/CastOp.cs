using FuncNet.Expressions;

namespace FuncNet;

/// <summary>Converts elements to another dtype (floats truncate toward zero into Int32).</summary>
internal sealed record CastOp(DType To) : UnaryOp
{
    public override string Name => "Cast";

    protected override bool AcceptsInt => true;

    protected override DType ResultDType(DType input) => To;

    internal override ScalarExpr Formula(ScalarExpr x) => x;

    internal override Expr Derivative(Expr x, Expr y) => Ops.OnesLike(y);

    internal override Expr?[] Vjp(Expr node, Expr gradient) =>
        [node.Inputs[0].DType.IsFloat() && To.IsFloat() ? Ops.Cast(gradient, node.Inputs[0].DType) : null];

    internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents) =>
        tangents[0] is { } t && To.IsFloat() ? Ops.Cast(t, To) : null;

    internal override string Format(IReadOnlyList<string> inputs) => $"Cast({inputs[0]}, {To})";
}

public static partial class Ops
{
    /// <summary>Converts elements to <paramref name="dtype"/>; a no-op when the dtype already matches.</summary>
    public static Expr Cast(Expr x, DType dtype) => x.DType == dtype ? x : Expr.Make(new CastOp(dtype), x);
}
