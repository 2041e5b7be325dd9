using static FuncNet.Ops;

namespace FuncNet.Testing.Tests;

/// <summary>GradCheck holds a user's custom VJP to the truth: a right rule passes, a deliberately wrong one is caught.</summary>
public class CustomVjpGradCheckTests
{
    private static readonly Tensor A = Tensor.FromArray(new[,] { { 0.3, -0.7, 1.1 }, { 0.9, -0.2, 0.5 } });
    private static readonly Tensor B = Tensor.FromArray(new[] { 1.5, -0.5, 2.0 });

    /// <summary>softplus(a)·b with a hand-written VJP; <paramref name="error"/> adds a relative error to a's gradient.</summary>
    private static Expr Model(Expr[] xs, double error) => ReduceSum(CustomVjp(
        "SoftplusScaled",
        p => Softplus(p[0]) * p[1],
        (p, y, g) => [g * p[1] * Sigmoid(p[0]) * (1.0 + error), SumToShapeOf(g * Softplus(p[0]), p[1])],
        xs[0], xs[1]));

    [Fact]
    public void RightRulePasses()
    {
        var report = GradCheck.Gradients(xs => Model(xs, 0), A, B);
        Assert.True(report.Passed, report.ToString());
        var second = GradCheck.SecondOrder(xs => Model(xs, 0) * ReduceSum(xs[0]), A, B);
        Assert.True(second.Passed, second.ToString());
    }

    [Fact]
    public void WrongRuleIsCaughtOnTheInputItIsWrongFor()
    {
        var report = GradCheck.Gradients(xs => Model(xs, 0.05), A, B);
        Assert.False(report.Passed);
        Assert.False(report.Inputs[0].Passed, report.ToString());
        Assert.True(report.Inputs[1].Passed, report.ToString());
    }
}
