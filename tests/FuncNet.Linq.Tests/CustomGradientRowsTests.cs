using static FuncNet.Ops;

namespace FuncNet.Linq.Tests;

/// <summary>StopGradient and custom VJPs inside <c>Rows()</c>: batched like built-in ops, with the same derivatives.</summary>
public class CustomGradientRowsTests
{
    private static readonly Tensor M = Tensor.Create(Shape.Of(2, 3), [0.5, -1.0, 2.0, 1.5, 0.25, -0.75]);

    [Fact]
    public void StopGradientInsideRows()
    {
        var x = Expr.Placeholder("x", Shape.Of(2, 3));
        var y = from row in x.Rows() select row * StopGradient(row);
        Assert.Equal(Shape.Of(2, 3), y.Shape);
        var value = y.Eval((x, M)).ToDoubleArray();
        var g = Gradient(ReduceSum(y), x).Eval((x, M)).ToDoubleArray();
        var m = M.ToDoubleArray();
        for (var i = 0; i < m.Length; i++)
        {
            Assert.Equal(m[i] * m[i], value[i], 12);
            Assert.Equal(m[i], g[i], 12);
        }
    }

    /// <summary>tanh(a)·w with a hand-written VJP; w is shared by every row.</summary>
    private static Expr ScaledTanh(Expr a, Expr w) => CustomVjp(
        "ScaledTanh",
        xs => Tanh(xs[0]) * xs[1],
        (xs, y, g) => [g * xs[1] * (1.0 - Square(Tanh(xs[0]))), g * Tanh(xs[0])],
        (xs, ts) => ts[0] * xs[1] * (1.0 - Square(Tanh(xs[0]))) + ts[1] * Tanh(xs[0]),
        a, w);

    [Fact]
    public void CustomVjpInsideRowsGradChecksToSecondOrder()
    {
        var w = Tensor.FromArray(new[] { 0.5, -2.0, 1.25 });
        // The row is batched, w is not: its gradient sums the per-row gradients.
        Expr F(Expr[] x) => ReduceSum(from row in x[0].Rows() select ScaledTanh(row, x[1]) * row);
        Check.Gradients(F, M, w);
        Assert.True(FuncNet.Testing.GradCheck.SecondOrder(F, M, w).Passed);
        // The given JVP, batched: the same tangent as the plain expression's.
        var x = Expr.Placeholder("x", Shape.Of(2, 3));
        var v = Expr.Placeholder("w", Shape.Of(3));
        var batched = from row in x.Rows() select ScaledTanh(row, v);
        Expr[] directions = [Expr.Constant(M), Expr.Constant(w)];
        var expected = Jvp(Tanh(x) * v, [x, v], directions).Eval((x, M), (v, w));
        Check.Close(expected, Jvp(batched, [x, v], directions).Eval((x, M), (v, w)));
    }

    [Fact]
    public void CustomVjpInsideRowsKeepsTheUsersRule()
    {
        var x = Expr.Placeholder("x", Shape.Of(2, 3));
        // A straight-through Sign: the batched node must still call the user's rule, not differentiate Sign.
        var y = from row in x.Rows() select CustomVjp("StraightThroughSign", xs => Sign(xs[0]), (xs, _, g) => [g * 2.0], row);
        Assert.Equal(Shape.Of(2, 3), y.Shape);
        Assert.Equal(Sign(x).Eval((x, M)), y.Eval((x, M)));
        var g = Gradient(ReduceSum(y), x).Eval((x, M));
        Assert.Equal(Tensor.Create(Shape.Of(2, 3), Enumerable.Repeat(2.0, 6).ToArray()), g);
        var jvp = Jvp(ReduceSum(y * y), [x], [Expr.Constant(M)]).Eval((x, M));
        Assert.Equal(0.0, jvp.ToDoubleArray()[0], 12);
    }

    private static readonly Func<Expr, Expr, Expr> LogAddExp =
        DefineElementwise("LogAddExp", (a, b) => Log(Exp(a) + Exp(b)), (a, _, y) => Exp(a - y), (_, b, y) => Exp(b - y));

    [Fact]
    public void UserElementwiseOpInsideRowsGradChecksToSecondOrder()
    {
        var w = Tensor.FromArray(new[] { 0.5, -2.0, 1.25 });
        // The row is batched, w is shared by every row and broadcast against it.
        Expr F(Expr[] x) => ReduceSum(from row in x[0].Rows() select Square(LogAddExp(row, x[1])));
        Check.Gradients(F, M, w);
        Assert.True(FuncNet.Testing.GradCheck.SecondOrder(F, M, w).Passed);
        var x = Expr.Placeholder("x", Shape.Of(2, 3));
        var v = Expr.Placeholder("w", Shape.Of(3));
        var batched = from row in x.Rows() select LogAddExp(row, v);
        Assert.Equal(LogAddExp(x, v).Eval((x, M), (v, w)), batched.Eval((x, M), (v, w)));
    }
}
