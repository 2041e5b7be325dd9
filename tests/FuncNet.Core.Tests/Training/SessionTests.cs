using static FuncNet.Ops;

namespace FuncNet.Tests.Training;

public class SessionTests
{
    [Fact]
    public void AStepRunsItsOwnForwardPassOnTheFeedsItIsGiven()
    {
        // TensorSlow reused the values of the previous run; a step must compute its gradient from its own feeds.
        var x = Expr.Placeholder("x");
        var w = Expr.Variable("w", 1.0);
        var loss = Square(w * x);
        var step = new GradientDescentOptimizer(0.1).Minimize(loss);
        using var session = new Session();
        session.Run(loss, (x, Tensor.Scalar(100.0)));
        var reported = session.Run(step, (x, Tensor.Scalar(2.0))).ToScalar();
        Assert.Equal(4.0, reported);
        // dL/dw = 2·w·x² = 8 at x = 2: w = 1 − 0.8.
        Assert.Equal(0.2, session.GetValue(w).ToScalar(), 12);
    }

    [Fact]
    public void UpdatesAreSimultaneous()
    {
        var a = Expr.Variable("a", 1.0);
        var b = Expr.Variable("b", 2.0);
        var loss = a * b;
        var step = new GradientDescentOptimizer(0.5).Minimize(loss);
        using var session = new Session();
        session.Run(step);
        // Both gradients use the old values: a − 0.5·b, b − 0.5·a.
        Assert.Equal(0.0, session.GetValue(a).ToScalar());
        Assert.Equal(1.5, session.GetValue(b).ToScalar());
    }

    [Fact]
    public void AnUnusedPlaceholderMayBeFedAndAMissingOneIsNamed()
    {
        var x = Expr.Placeholder("x");
        var unused = Expr.Placeholder("unused");
        var w = Expr.Variable("w", 3.0);
        using var session = new Session();
        Assert.Equal(6.0, session.Run(w * x, (x, Tensor.Scalar(2.0)), (unused, Tensor.Scalar(7.0))).ToScalar());
        var error = Assert.Throws<MissingFeedException>(() => session.Run(w * x));
        Assert.Contains("'x'", error.Message);
        var step = new GradientDescentOptimizer(0.1).Minimize(Square(w * x));
        Assert.Contains("'x'", Assert.Throws<MissingFeedException>(() => session.Run(step)).Message);
    }

    [Fact]
    public void PlansAreCachedPerFetchListAndValuesAreHeldPerSession()
    {
        var w = Expr.Variable("w", 1.0);
        var step = new GradientDescentOptimizer(0.25).Minimize(Square(w));
        using var first = new Session();
        using var second = new Session();
        for (var i = 0; i < 3; i++) { first.Run(step); }
        Assert.Equal(1, first.CompiledPlanCount);
        Assert.Equal(0.125, first.GetValue(w).ToScalar());
        Assert.Equal(1.0, second.GetValue(w).ToScalar());
        Assert.Equal(1.0, second.Run(w).ToScalar());
        first.Assign(w, Tensor.Scalar(5.0));
        Assert.Equal(25.0, first.Run(Square(w)).ToScalar());
        Assert.Throws<ShapeException>(() => first.Assign(w, Tensor.FromArray(new[] { 1.0, 2.0 })));
        first.ResetVariables();
        Assert.Equal(1.0, first.GetValue(w).ToScalar());
    }

    [Fact]
    public void MinimizeRejectsANonScalarLossAndALossWithoutVariables()
    {
        var x = Expr.Placeholder("x", 3);
        var w = Expr.Variable("w", new[] { 1.0, 2.0, 3.0 });
        Assert.Contains("scalar", Assert.Throws<ShapeException>(() => new GradientDescentOptimizer(0.1).Minimize(w * x)).Message);
        Assert.Contains("no variable", Assert.Throws<FuncNetException>(() => new GradientDescentOptimizer(0.1).Minimize(ReduceSum(x))).Message);
        Assert.Throws<FuncNetException>(() => new GradientDescentOptimizer(-1));
    }

    [Fact]
    public void MinimizeOverChosenVariablesLeavesTheOthers()
    {
        var a = Expr.Variable("a", 1.0);
        var b = Expr.Variable("b", 1.0);
        var step = new GradientDescentOptimizer(0.5).Minimize(Square(a) + Square(b), [a]);
        using var session = new Session();
        session.Run(step);
        Assert.Equal(0.0, session.GetValue(a).ToScalar());
        Assert.Equal(1.0, session.GetValue(b).ToScalar());
    }
}
