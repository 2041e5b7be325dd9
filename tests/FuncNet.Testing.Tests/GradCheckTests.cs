using static FuncNet.Ops;

namespace FuncNet.Testing.Tests;

/// <summary>GradCheck passes right gradients, catches a wrong one with a report that points at it, and rejects what it cannot check.</summary>
public class GradCheckTests
{
    private static readonly Tensor X = Tensor.FromArray(new[,] { { 0.3, -0.7, 1.1 }, { 0.9, -0.2, 0.5 } });
    private static readonly Tensor W = Tensor.FromArray(new[,] { { 0.4, -1.2 }, { 0.8, 0.1 }, { -0.6, 0.7 } });

    // Only the first two columns of X pass through the exp branch, so an error there is local.
    private static readonly Expr Mask = Expr.Constant(Tensor.FromArray(new[,] { { 1.0, 1.0, 0.0 }, { 1.0, 1.0, 0.0 } }));

    private static Expr Model(Expr[] xs) => ReduceSum(Tanh(MatMul(xs[0], xs[1]))) + ReduceSum(Exp(xs[0]) * Mask);

    // The same model differentiated by hand, with an optional relative error in the exp branch.
    private static Expr[] HandWritten(Expr[] xs, double error)
    {
        var (x, w) = (xs[0], xs[1]);
        var t = Tanh(MatMul(x, w));
        var dz = 1.0 - t * t;
        return [MatMul(dz, w, false, true) + Exp(x) * Mask * (1.0 + error), MatMul(x, dz, true, false)];
    }

    [Fact]
    public void FuncNetsGradientsPass()
    {
        var report = GradCheck.Gradients(Model, X, W);
        Assert.True(report.Passed, report.ToString());
        Assert.Equal(["x0", "x1"], report.Inputs.Select(i => i.Input));
        Assert.All(report.Inputs, i => Assert.True(i.AbsoluteError <= i.Allowed, i.ToString()));
        report.ThrowIfFailed();
    }

    [Fact]
    public void AHandWrittenRightGradientPasses()
    {
        var report = GradCheck.Gradients(Model, (_, xs) => HandWritten(xs, 0), X, W);
        Assert.True(report.Passed, report.ToString());
    }

    [Fact]
    public void ADeliberatelyWrongGradientIsCaughtAndLocated()
    {
        // 10% too much through the exp branch: only the first two columns of X are wrong, W's gradient is right.
        var report = GradCheck.Gradients(Model, (_, xs) => HandWritten(xs, 0.1), X, W);
        Assert.False(report.Passed);
        var x = report.Inputs[0];
        Assert.False(x.Passed);
        Assert.Equal(4, x.FailedElements);
        Assert.True(x.WorstIndex[1] < 2, $"worst element {string.Join(",", x.WorstIndex)} should be in the exp branch");
        Assert.True(report.Inputs[1].Passed, report.ToString());
        // The numeric value is the true derivative (FuncNet's own gradient there), the symbolic one is 10% off in its exp part.
        var a = Expr.Placeholder("a", 2, 3);
        var b = Expr.Placeholder("b", 3, 2);
        var truth = Gradient(Model([a, b]), a).Eval((a, X), (b, W))[x.WorstIndex[0], x.WorstIndex[1]];
        Assert.Equal(truth, x.Numeric, 6);
        var expPart = Math.Exp(X[x.WorstIndex[0], x.WorstIndex[1]]);
        Assert.Equal(truth + 0.1 * expPart, x.Symbolic, 9);
        var e = Assert.Throws<GradCheckException>(report.ThrowIfFailed);
        Assert.Same(report, e.Report);
        Assert.Contains("x0", e.Message);
        Assert.Contains($"[{string.Join(", ", x.WorstIndex)}]", e.Message);
        Assert.Contains("symbolic", e.Message);
        Assert.Contains("numeric", e.Message);
        Assert.Contains("FAILED", e.Message);
        Assert.True(Math.Abs(x.Symbolic - x.Numeric) > 0.01 * Math.Abs(x.Numeric), x.ToString());
    }

    [Fact]
    public void SecondOrderPassesForASmoothFunctionAndChecksTheProjection()
    {
        var report = GradCheck.SecondOrder(Model, X, W);
        Assert.True(report.Passed, report.ToString());
        Assert.Equal("second-order gradient", report.What);
        Assert.Contains("second-order", report.ToString());
    }

    [Fact]
    public void SecondOrderPassesThroughAbsAwayFromItsKink()
    {
        // Σ x·|x|: gradient 2|x|, second derivative 2·sign(x), defined everywhere but at the kink 0.
        var point = Tensor.FromArray(new[] { -0.8, 0.4, 1.3 });
        Assert.True(GradCheck.Gradients(xs => ReduceSum(xs[0] * Abs(xs[0])), point).Passed);
        var second = GradCheck.SecondOrder(xs => ReduceSum(xs[0] * Abs(xs[0])), point);
        Assert.True(second.Passed, second.ToString());
    }

    [Fact]
    public void TheGraphFormChecksNamedPlaceholders()
    {
        var x = Expr.Placeholder("inputs", 2, 3);
        var w = Expr.Placeholder("weights", 3, 2);
        var report = GradCheck.Gradients(Model([x, w]), [x, w], [X, W]);
        Assert.True(report.Passed, report.ToString());
        Assert.Equal(["inputs", "weights"], report.Inputs.Select(i => i.Input));
    }

    [Fact]
    public void ANonScalarOutputSaysItNeedsAScalar()
    {
        var e = Assert.Throws<ShapeException>(() => GradCheck.Gradients(xs => Tanh(xs[0]), X));
        Assert.Contains("must be a scalar", e.Message);
        Assert.Contains("(2, 3)", e.Message);
        Assert.Contains("ReduceSum", e.Message);
    }

    [Fact]
    public void ANonFloatOutputSaysItNeedsAFloat()
    {
        var e = Assert.Throws<DTypeException>(() => GradCheck.Gradients(xs => Cast(ReduceSum(xs[0]), DType.Int32), X));
        Assert.Contains("Float32 or Float64", e.Message);
        Assert.Contains("Int32", e.Message);
    }

    [Fact]
    public void BadInputsAreRejectedWithWhatTheyNeed()
    {
        var ints = Assert.Throws<DTypeException>(() => GradCheck.Gradients(xs => ReduceSum(xs[0]), Tensor.FromArray(new[] { 1, 2 })));
        Assert.Contains("point 0 is Int32", ints.Message);
        var f32 = Expr.Placeholder("h", Shape.Of(2), DType.Float32);
        var single = Assert.Throws<DTypeException>(() => GradCheck.Gradients(ReduceSum(f32), [f32], [Tensor.FromArray(new[] { 1f, 2f })]));
        Assert.Contains("'h' must be Float64", single.Message);
        var count = Assert.Throws<FuncNetException>(() => GradCheck.Gradients(Model, (y, xs) => [xs[0]], X, W));
        Assert.Contains("1 gradient(s) for 2 input(s)", count.Message);
        var shape = Assert.Throws<ShapeException>(() => GradCheck.Gradients(Model, (y, xs) => [xs[1], xs[0]], X, W));
        Assert.Contains("(3, 2)", shape.Message);
        Assert.Contains("(2, 3)", shape.Message);
        Assert.Throws<FuncNetException>(() => GradCheckOptions.Default.WithEpsilon(0));
        Assert.Throws<FuncNetException>(() => GradCheckOptions.Default.WithTolerances(-1, 0));
    }

    [Fact]
    public void TolerancesDecide()
    {
        // A 1e-4 relative error in the gradient passes PyTorch's default tolerances and fails tight ones.
        Expr[] Scaled(Expr y, Expr[] xs) => [Gradients(y, xs)[0] * 1.0001];
        var point = Tensor.FromArray(new[] { 0.5, -1.5 });
        Assert.True(GradCheck.Gradients(xs => ReduceSum(Exp(xs[0])), Scaled, point).Passed);
        var tight = GradCheckOptions.Default.WithTolerances(1e-9, 1e-6);
        Assert.False(GradCheck.Gradients(xs => ReduceSum(Exp(xs[0])), Scaled, [point], tight).Passed);
    }
}
