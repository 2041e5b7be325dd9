using FuncNet.Testing;
using FuncNet.Expressions;
using static FuncNet.Ops;

namespace FuncNet.Tests.Differentiation;

/// <summary>Ops.CustomVjp: user rules differentiate (reverse, forward, second order), compile, and are checked when built.</summary>
public class CustomVjpTests
{
    private static readonly Tensor A = Tensor.Create(Shape.Of(2, 3), [0.5, -1.0, 2.0, 1.5, 0.25, -0.75]);
    private static readonly Tensor B = Tensor.Create(Shape.Of(2, 3), [1.0, 2.0, -0.5, 0.75, -1.5, 3.0]);

    /// <summary>tanh(a)·b with its VJP written by hand; <paramref name="scale"/> ≠ 1 makes the rule deliberately wrong.</summary>
    internal static Expr ScaledTanh(Expr a, Expr b, double scale = 1.0) => CustomVjp(
        "ScaledTanh",
        xs => Tanh(xs[0]) * xs[1],
        (xs, y, g) => [g * xs[1] * (1.0 - Square(Tanh(xs[0]))) * scale, g * Tanh(xs[0])],
        a, b);

    [Fact]
    public void ValueIsTheForwardFunctionsAndPlansAgreeWithTheReference()
    {
        var a = Expr.Placeholder("a", Shape.Of(2, 3));
        var b = Expr.Placeholder("b", Shape.Of(2, 3));
        var y = ScaledTanh(a, b);
        Assert.Equal(Shape.Of(2, 3), y.Shape);
        var expected = (Tanh(a) * b).Eval((a, A), (b, B));
        Assert.True(y.Eval((a, A), (b, B)).AllClose(expected, 1e-12, 1e-12));
        using var plan = Plan.CompileUnrewritten([y], new ReferenceBackend());
        Assert.True(plan.Run(new Dictionary<Expr, Tensor> { [a] = A, [b] = B })[0].AllClose(expected, 1e-12, 1e-12));
    }

    [Fact]
    public void PlansInlineTheBody()
    {
        var a = Expr.Placeholder("a", Shape.Of(2, 3));
        var b = Expr.Placeholder("b", Shape.Of(2, 3));
        var simplified = Simplify(ScaledTanh(a, b))[0];
        Assert.DoesNotContain(GraphWalk.Topological([simplified]), n => n.Op is CustomVjpOp);
    }

    [Fact]
    public void UsesTheUsersRuleNotTheBody()
    {
        var a = Expr.Placeholder("a", Shape.Of(2, 3));
        // A rule that is not the body's derivative (a straight-through estimator of Sign) is the one that is used.
        var y = CustomVjp("StraightThroughSign", xs => Sign(xs[0]), (xs, _, g) => [g], a);
        var grad = Gradient(ReduceSum(y * 3.0), a).Eval((a, A));
        Assert.Equal(Tensor.Create(Shape.Of(2, 3), Enumerable.Repeat(3.0, 6).ToArray()), grad);
    }

    [Fact]
    public void RightRulePassesGradCheckToFirstAndSecondOrder()
    {
        GradCheck.Gradients(xs => ReduceSum(ScaledTanh(xs[0], xs[1])), A, B).ThrowIfFailed();
        GradCheck.SecondOrder(xs => ReduceSum(ScaledTanh(xs[0], xs[1]) * xs[0]), A, B).ThrowIfFailed();
    }

    [Fact]
    public void ForwardModeUsesTheBodyOrTheGivenJvp()
    {
        var a = Expr.Placeholder("a", Shape.Of(2, 3));
        var b = Expr.Placeholder("b", Shape.Of(2, 3));
        var t = Expr.Constant(B);
        var viaBody = Jvp(ScaledTanh(a, b), [a], [t]).Eval((a, A), (b, B));
        var expected = (t * b * (1.0 - Square(Tanh(a)))).Eval((a, A), (b, B));
        Assert.True(viaBody.AllClose(expected, 1e-12, 1e-12));
        // A given JVP is used as written: here twice the true tangent, which shows it is the one called.
        var doubled = CustomVjp("Doubled", xs => Tanh(xs[0]), (xs, y, g) => [g * (1.0 - y * y)], (xs, ts) => ts[0] * (1.0 - Square(Tanh(xs[0]))) * 2.0, a);
        var viaRule = Jvp(doubled, [a], [t]).Eval((a, A));
        Assert.True(viaRule.AllClose((t * (1.0 - Square(Tanh(a))) * 2.0).Eval((a, A)), 1e-12, 1e-12));
    }

    [Fact]
    public void WrongShapeIsAShapeExceptionWhenTheGradientIsBuilt()
    {
        var a = Expr.Placeholder("a", Shape.Of(2, 3));
        var y = CustomVjp("BadShape", xs => Exp(xs[0]), (xs, _, g) => [ReduceSum(g, 0)], a);
        var e = Assert.Throws<ShapeException>(() => Gradient(ReduceSum(y), a));
        Assert.Contains("BadShape", e.Message);
        Assert.Contains("(2, 3)", e.Message);
        Assert.Contains("(3,)", e.Message);
    }

    [Fact]
    public void WrongDTypeIsADTypeExceptionWhenTheGradientIsBuilt()
    {
        var a = Expr.Placeholder("a", Shape.Of(2, 3));
        var y = CustomVjp("BadDType", xs => Exp(xs[0]), (xs, _, g) => [Cast(g, DType.Float32)], a);
        var e = Assert.Throws<DTypeException>(() => Gradient(ReduceSum(y), a));
        Assert.Contains("BadDType", e.Message);
        Assert.Contains("Float64", e.Message);
        Assert.Contains("Float32", e.Message);
    }

    [Fact]
    public void WrongGradientCountAndCapturedPlaceholdersAreRejected()
    {
        var a = Expr.Placeholder("a", Shape.Of(2, 3));
        var y = CustomVjp("TwoGrads", xs => Exp(xs[0]), (xs, _, g) => [g, g], a);
        Assert.Contains("one gradient (or null) per input, 1; given 2", Assert.Throws<FuncNetException>(() => Gradient(ReduceSum(y), a)).Message);
        var outside = Expr.Placeholder("outside", Shape.Of(2, 3));
        var e = Assert.Throws<FuncNetException>(() => CustomVjp("Captures", xs => xs[0] * outside, (xs, _, g) => [g], a));
        Assert.Contains("pass it as an input", e.Message);
    }

    /// <summary>
    /// A user elementwise op: its value and its derivative each one Map (one scalar formula that every backend's
    /// code generator runs), joined by CustomVjp. Swish, x·σ(x), with derivative σ(x)·(1 + x·(1 − σ(x))).
    /// </summary>
    internal static Expr Swish(Expr x) => CustomVjp(
        "Swish",
        xs => Map(xs[0], a => a * Sigmoid(a)),
        (xs, _, g) => [g * Map(xs[0], a => Sigmoid(a) * (1.0 + a * (1.0 - Sigmoid(a))))],
        x);

    [Fact]
    public void ElementwiseOpFromAFormulaAndItsDerivativeGradChecksAndFusesIntoOneMap()
    {
        GradCheck.Gradients(xs => ReduceSum(Swish(xs[0]) * xs[0]), A).ThrowIfFailed();
        GradCheck.SecondOrder(xs => ReduceSum(Swish(xs[0]) * xs[0]), A).ThrowIfFailed();
        var a = Expr.Placeholder("a", Shape.Of(2, 3));
        var lowered = GraphWalk.Topological([Simplify(Swish(a))[0]]).Where(n => n.Inputs.Count > 0).ToArray();
        Assert.Equal([typeof(MapOp)], lowered.Select(n => n.Op.GetType()));
    }
}
