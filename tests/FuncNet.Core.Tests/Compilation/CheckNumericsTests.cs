using static FuncNet.Ops;

namespace FuncNet.Tests.Compilation;

/// <summary>Plan.CheckNumerics and Session.CheckNumerics: the first op that makes NaN or infinity is named, with its inputs' statistics.</summary>
public class CheckNumericsTests
{
    [Fact]
    public void TheFirstOpProducingNaNIsNamedWithItsInputStatistics()
    {
        var x = Expr.Placeholder("x", Shape.Of(3));
        var y = Exp(Log(x) * 2.0) + 1.0;   // Log of a negative number is where NaN starts
        var feed = new Dictionary<Expr, Tensor> { [x] = Tensor.FromArray(new[] { 1.0, -4.0, 9.0 }) };
        using var plan = Plan.Compile([y], Backend.Reference);
        Assert.True(double.IsNaN(plan.Run(feed)[0].ToDoubleArray()[1]), "unchecked runs let NaN through");
        plan.CheckNumerics = true;
        var e = Assert.Throws<NumericsException>(() => plan.Run(feed));
        Assert.Contains("op Log produced 1 NaN", e.Message);
        Assert.Contains("shape (3", e.Message);
        Assert.Contains("Input 0", e.Message);
        Assert.Contains("min -4", e.Message);
        Assert.Contains("max 9", e.Message);
        plan.CheckNumerics = false;
        Assert.Equal(3, plan.Run(feed)[0].Size);
    }

    [Fact]
    public void TheMessageGivesTheNodeIdAShortFormAndTheUsualCauses()
    {
        var x = Expr.Placeholder("x", Shape.Of(3));
        var log = Log(x);
        using var plan = Plan.Compile([Exp(log * 2.0) + 1.0], Backend.Reference);
        plan.CheckNumerics = true;
        var e = Assert.Throws<NumericsException>(() => plan.Run(new Dictionary<Expr, Tensor> { [x] = Tensor.FromArray(new[] { 1.0, -4.0, 9.0 }) }));
        Assert.Contains($"node #{log.Id}: Log(placeholder 'x')", e.Message);
        Assert.Contains("Input 0 placeholder 'x' (3", e.Message);
        Assert.Contains("log of 0 or of a negative number", e.Message);
        Assert.Contains("learning rate too high", e.Message);
        Assert.DoesNotContain("an input already holds NaN", e.Message);
    }

    [Fact]
    public void AFusedNodeIsShownByTheOpsItFusesNotItsWholeBody()
    {
        var x = Expr.Placeholder("x", Shape.Of(2));
        // A long body: printed whole, it would bury the message.
        var fused = Map(x, a =>
        {
            var t = a;
            for (var i = 0; i < 40; i++) { t = Sigmoid(t * 1.5 + 0.25); }
            return Log(t - 0.9);
        });
        Assert.True(fused.ToString().Length > 600, "the body prints long");
        using var plan = Plan.Compile([fused], Backend.Reference);
        plan.CheckNumerics = true;
        var e = Assert.Throws<NumericsException>(() => plan.Run(new Dictionary<Expr, Tensor> { [x] = Tensor.FromArray(new[] { 0.0, 1.0 }) }));
        Assert.Contains($"node #{fused.Id}: Map(placeholder 'x') fusing ", e.Message);
        Assert.Contains("Sigmoid", e.Message);
        Assert.Contains("log of 0 or of a negative number", e.Message);
        Assert.True(e.Message.Length < 1000, $"message of {e.Message.Length} characters: {e.Message}");
    }

    [Fact]
    public void ANonFiniteInputIsNamedAsTheCause()
    {
        var x = Expr.Placeholder("x", Shape.Of(2));
        using var plan = Plan.Compile([Sqrt(x) + 1.0], Backend.Reference);
        plan.CheckNumerics = true;
        var e = Assert.Throws<NumericsException>(() => plan.Run(new Dictionary<Expr, Tensor> { [x] = Tensor.FromArray(new[] { double.NaN, 1.0 }) }));
        Assert.Contains("an input already holds NaN or infinity", e.Message);
        Assert.Contains("square root of a negative number", e.Message);
    }

    [Fact]
    public void InfinityIsCaughtToo()
    {
        var x = Expr.Placeholder("x", Shape.Of(2));
        using var plan = Plan.Compile([Exp(x) + 1.0], Backend.Reference);
        plan.CheckNumerics = true;
        var e = Assert.Throws<NumericsException>(() => plan.Run(new Dictionary<Expr, Tensor> { [x] = Tensor.FromArray(new[] { 0.0, 1000.0 }) }));
        Assert.Contains("op Exp produced 0 NaN and 1 infinite", e.Message);
    }

    [Fact]
    public void ASessionWithCheckNumericsStopsADivergingStepBeforeItUpdatesTheWeights()
    {
        var w = Expr.Variable("w", Tensor.FromArray(new[] { 1.0 }));
        var loss = ReduceSum(Exp(w * w * 1000.0));   // exp(1000) overflows Float64
        var step = new GradientDescentOptimizer(0.1).Minimize(loss);
        using var session = new Session(Backend.Reference) { CheckNumerics = true };
        var e = Assert.Throws<NumericsException>(() => session.Run(step));
        Assert.Contains("infinite", e.Message);
        Assert.Equal([1.0], session.GetValue(w).ToDoubleArray());
        session.CheckNumerics = false;
        session.Run(step);
        Assert.False(double.IsFinite(session.GetValue(w).ToDoubleArray()[0]));
    }
}
