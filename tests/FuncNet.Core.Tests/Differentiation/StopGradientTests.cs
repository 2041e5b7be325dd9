using static FuncNet.Ops;

namespace FuncNet.Tests.Differentiation;

/// <summary>StopGradient: the identity in value, a constant to reverse mode, forward mode and every higher order.</summary>
public class StopGradientTests
{
    private static readonly Tensor X = Tensor.FromArray(new[] { 0.5, -1.25, 2.0 });

    [Fact]
    public void ValueIsTheInputAndCompiledPlansAgree()
    {
        var x = Expr.Placeholder("x", Shape.Of(3));
        var y = Exp(StopGradient(x)) * 2.0;
        var expected = Exp(x) * 2.0;
        Assert.True(y.Eval((x, X)).AllClose(expected.Eval((x, X)), 1e-12, 1e-12));
    }

    [Fact]
    public void NoGradientFlowsBackThroughIt()
    {
        var x = Expr.Placeholder("x", Shape.Of(3));
        // d/dx Σ x·sg(x) treats sg(x) as a constant: the gradient is x, not 2x.
        var g = Gradient(ReduceSum(x * StopGradient(x)), x).Eval((x, X));
        Assert.True(g.AllClose(X, 1e-12, 1e-12), $"gradient {g}");
        var onlyStopped = Gradient(ReduceSum(StopGradient(Tanh(x))), x).Eval((x, X));
        Assert.Equal(Tensor.Zeros(Shape.Of(3)), onlyStopped);
    }

    [Fact]
    public void ForwardModeSeesAConstant()
    {
        var x = Expr.Placeholder("x", Shape.Of(3));
        var t = Tensor.FromArray(new[] { 1.0, 2.0, -3.0 });
        var jvp = Jvp(x * StopGradient(x), [x], [Expr.Constant(t)]).Eval((x, X));
        var expected = X.ToDoubleArray().Zip(t.ToDoubleArray(), (a, b) => a * b).ToArray();
        Assert.True(jvp.AllClose(Tensor.FromArray(expected), 1e-12, 1e-12), $"jvp {jvp}");
    }

    [Fact]
    public void SecondOrderTreatsItAsAConstant()
    {
        var x = Expr.Placeholder("x", Shape.Of(3));
        // f = Σ x²·sg(x): ∇f = 2x·sg(x), so H = diag(2·sg(x)) and H·v = 2·x·v.
        var v = Tensor.FromArray(new[] { 1.0, -1.0, 0.5 });
        var hv = Hvp(ReduceSum(x * x * StopGradient(x)), [x], [Expr.Constant(v)])[0].Eval((x, X));
        var expected = X.ToDoubleArray().Zip(v.ToDoubleArray(), (a, b) => 2 * a * b).ToArray();
        Assert.True(hv.AllClose(Tensor.FromArray(expected), 1e-12, 1e-12), $"hvp {hv}");
    }
}
