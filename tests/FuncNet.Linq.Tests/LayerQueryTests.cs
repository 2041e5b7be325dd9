using static FuncNet.Ops;

namespace FuncNet.Linq.Tests;

/// <summary>Dense, LayerNorm and BatchNorm as model queries: named parameters, composition, and running statistics trained with the step.</summary>
public class LayerQueryTests
{
    private static readonly Param<Func<Expr, bool, Expr>> Model =
        from hidden in Param.Dense("hidden", 3, 4, DType.Float64)
        from norm in Param.BatchNorm("norm", 4, DType.Float64)
        from layerNorm in Param.LayerNorm("ln", 4, DType.Float64)
        from output in Param.Dense("output", 4, 2, DType.Float64)
        select (Func<Expr, bool, Expr>)((x, training) => output(layerNorm(Tanh(norm(hidden(x), training)))));

    [Fact]
    public void LayersDeclareNamedParametersAndCompose()
    {
        var built = Model.Build(0);
        Assert.Equal(
            ["hidden/kernel", "hidden/bias", "norm/gamma", "norm/beta", "norm/running_mean", "norm/running_variance",
             "ln/gamma", "ln/beta", "output/kernel", "output/bias"],
            built.Variables.Select(v => v.Name));
        Assert.All(built.InitialValues["ln/gamma"].ToDoubleArray(), v => Assert.Equal(1.0, v));
        Assert.All(built.InitialValues["norm/running_variance"].ToDoubleArray(), v => Assert.Equal(1.0, v));
        var x = Expr.Placeholder("x", -1, 3);
        Assert.Equal(Shape.Of(-1, 2), built.Value(x, false).Shape);
    }

    [Fact]
    public void TrainingThroughTheQueryUpdatesTheRunningStatistics()
    {
        var built = Model.Build(1);
        var x = Expr.Placeholder("x", -1, 3);
        var y = Expr.Placeholder("y", -1, 2);
        var loss = ReduceMean(Square(built.Value(x, true) - y));
        var step = new GradientDescentOptimizer(0.1).Minimize(loss);
        var runningMean = built["norm/running_mean"];
        Assert.DoesNotContain(runningMean, step.Variables);
        Assert.Contains(step.Assignments, a => ReferenceEquals(a.Variable, runningMean));
        var feedX = Tensor.FromArray(new double[,] { { 1, 2, 3 }, { -1, 0, 2 }, { 4, 1, 0 }, { 0.5, 0.5, 0.5 } });
        var feedY = Tensor.FromArray(new double[,] { { 1, 0 }, { 0, 1 }, { 1, 0 }, { 0, 1 } });
        using var session = new Session(Backend.Reference);
        var first = session.Run(step, (x, feedX), (y, feedY)).ToScalar();
        for (var i = 0; i < 20; i++) { session.Run(step, (x, feedX), (y, feedY)); }
        Assert.True(session.Run(loss, (x, feedX), (y, feedY)).ToScalar() < first);
        Assert.Contains(session.GetValue(runningMean).ToDoubleArray(), v => Math.Abs(v) > 1e-3);
        Assert.Equal(Shape.Of(1, 2), session.Run(built.Value(x, false), (x, Tensor.FromArray(new double[,] { { 1, 1, 1 } }))).Shape);
    }
}
