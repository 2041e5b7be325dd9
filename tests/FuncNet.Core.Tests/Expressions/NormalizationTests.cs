using System.Text.Json;
using FuncNet.Testing;
using static FuncNet.Ops;

namespace FuncNet.Tests.Expressions;

/// <summary>
/// LayerNorm and BatchNorm against PyTorch 1.13 (tests/fixtures/torch/norms.json, written by make_norms.py
/// beside it): values and the gradients of sum(r · y); their composite gradients to second order; bad input.
/// </summary>
public class NormalizationTests
{
    private static readonly JsonElement Cases = Fixtures.Load("torch/norms.json").GetProperty("cases");

    private static Tensor Get(JsonElement c, string name) => Fixtures.Tensor(c.GetProperty(name));

    /// <summary>y and the gradients of sum(r · y) with respect to x, gamma and beta, on the Reference backend.</summary>
    private static Tensor[] ValueAndGradients(JsonElement c, Func<Expr, Expr, Expr, Expr> norm)
    {
        var x = Expr.Placeholder("x", Get(c, "x").Shape);
        var gamma = Expr.Placeholder("gamma", Get(c, "gamma").Shape);
        var beta = Expr.Placeholder("beta", Get(c, "beta").Shape);
        var y = norm(x, gamma, beta);
        var grads = Gradients(ReduceSum(Expr.Constant(Get(c, "r")) * y), x, gamma, beta);
        using var session = new Session(Backend.Reference);
        return session.Run([y, .. grads], (x, Get(c, "x")), (gamma, Get(c, "gamma")), (beta, Get(c, "beta")));
    }

    private static void AssertMatchesTorch(JsonElement c, Tensor[] got)
    {
        string[] names = ["y", "dx", "dgamma", "dbeta"];
        for (var i = 0; i < names.Length; i++)
        {
            var expected = Get(c, names[i]);
            Assert.Equal(expected.Shape, got[i].Shape);
            Assert.True(got[i].AllClose(expected, 1e-9, 1e-10), $"{names[i]}: differs from PyTorch by {got[i].MaxAbsDifference(expected):E2}");
        }
    }

    [Theory]
    [InlineData("layer_norm_3x5")]
    [InlineData("layer_norm_2x3x4")]
    public void LayerNormMatchesPyTorch(string name)
    {
        var c = Cases.GetProperty(name);
        AssertMatchesTorch(c, ValueAndGradients(c, (x, g, b) => LayerNorm(x, g, b, c.GetProperty("eps").GetDouble())));
    }

    [Theory]
    [InlineData("batch_norm_train_4x3")]
    [InlineData("batch_norm_train_3x2x2x3")]
    public void BatchNormInTrainingModeMatchesPyTorch(string name)
    {
        var c = Cases.GetProperty(name);
        AssertMatchesTorch(c, ValueAndGradients(c, (x, g, b) => BatchNorm(x, g, b, c.GetProperty("eps").GetDouble())));
    }

    [Fact]
    public void BatchNormInInferenceModeMatchesPyTorch()
    {
        var c = Cases.GetProperty("batch_norm_eval_3x2x2x3");
        var (mean, variance) = (Expr.Constant(Get(c, "running_mean")), Expr.Constant(Get(c, "running_var")));
        AssertMatchesTorch(c, ValueAndGradients(c, (x, g, b) => BatchNormInference(x, g, b, mean, variance, c.GetProperty("eps").GetDouble())));
    }

    [Theory]
    [InlineData("batch_norm_train_4x3")]
    [InlineData("batch_norm_train_3x2x2x3")]
    public void TheTrainingStepUpdatesTheRunningStatisticsAsPyTorch(string name)
    {
        var c = Cases.GetProperty(name);
        var x = Expr.Placeholder("x", Get(c, "x").Shape);
        var gamma = Expr.Variable("gamma", Get(c, "gamma"));
        var beta = Expr.Variable("beta", Get(c, "beta"));
        var runningMean = Expr.Variable("running_mean", Get(c, "running_mean"));
        var runningVariance = Expr.Variable("running_var", Get(c, "running_var"));
        var y = BatchNorm(x, gamma, beta, runningMean, runningVariance, c.GetProperty("momentum").GetDouble(), c.GetProperty("eps").GetDouble());
        // The running statistics take the batch's before the step trains gamma and beta, which they do not depend on.
        var step = new GradientDescentOptimizer(0.1).Minimize(ReduceSum(Expr.Constant(Get(c, "r")) * y));
        Assert.Equal([gamma, beta], step.Variables);
        Assert.Contains(step.Assignments, a => ReferenceEquals(a.Variable, runningMean));
        using var session = new Session(Backend.Reference);
        session.Run(step, (x, Get(c, "x")));
        Assert.True(session.GetValue(runningMean).AllClose(Get(c, "running_mean_after"), 1e-12, 1e-12));
        Assert.True(session.GetValue(runningVariance).AllClose(Get(c, "running_var_after"), 1e-12, 1e-12));
    }

    private static Tensor Random(Shape shape, int seed, double scale = 1.0) =>
        Tensor.Create(shape, RandomExpr.RandomValues(new Random(seed), shape).ToDoubleArray().Select(v => v * scale).ToArray());

    [Fact]
    public void LayerNormDifferentiatesToSecondOrder()
    {
        Tensor[] at = [Random(Shape.Of(3, 4), 1, 2.0), Random(Shape.Of(4), 2), Random(Shape.Of(4), 3)];
        var weights = Expr.Constant(Random(Shape.Of(3, 4), 4));
        Expr F(Expr[] v) => ReduceSum(weights * LayerNorm(v[0], v[1], v[2]) * v[0]);
        GradCheck.Gradients(F, at).ThrowIfFailed();
        GradCheck.SecondOrder(F, at).ThrowIfFailed();
    }

    [Fact]
    public void BatchNormDifferentiatesToSecondOrderInBothModes()
    {
        Tensor[] at = [Random(Shape.Of(4, 2, 3), 5, 2.0), Random(Shape.Of(2), 6), Random(Shape.Of(2), 7)];
        var weights = Expr.Constant(Random(Shape.Of(4, 2, 3), 8));
        var mean = Expr.Constant(Random(Shape.Of(2), 9));
        var variance = Expr.Constant(Tensor.FromArray(new[] { 0.7, 1.6 }));
        Expr Train(Expr[] v) => ReduceSum(weights * BatchNorm(v[0], v[1], v[2]) * v[0]);
        Expr Infer(Expr[] v) => ReduceSum(weights * BatchNormInference(v[0], v[1], v[2], mean, variance, 1e-5) * v[0]);
        foreach (var f in new Func<Expr[], Expr>[] { Train, Infer })
        {
            GradCheck.Gradients(f, at).ThrowIfFailed();
            GradCheck.SecondOrder(f, at).ThrowIfFailed();
        }
    }

    [Fact]
    public void BatchNormInTrainingModeOnABatchOfOneIsAnError()
    {
        var gamma = Expr.Constant(Tensor.Ones(Shape.Of(3)));
        var atBuild = Assert.Throws<ShapeException>(() => BatchNorm(Expr.Placeholder("x", 1, 3), gamma, gamma));
        Assert.Contains("batch of more than one example", atBuild.Message);
        Assert.Contains("(1, 3)", atBuild.Message);

        // An unknown batch length is checked when the batch is fed.
        var x = Expr.Placeholder("x", -1, 3);
        var y = BatchNorm(x, gamma, gamma);
        using var session = new Session(Backend.Reference);
        Assert.Equal(Shape.Of(2, 3), session.Run(y, (x, Tensor.Ones(Shape.Of(2, 3)))).Shape);
        var atRun = Assert.Throws<ShapeException>(() => session.Run(y, (x, Tensor.Ones(Shape.Of(1, 3)))));
        Assert.Contains("BatchNorm (training mode)", atRun.Message);
        // Inference mode normalizes a single example.
        Assert.Equal(Shape.Of(1, 3), BatchNormInference(Expr.Constant(Tensor.Ones(Shape.Of(1, 3))), gamma, gamma, gamma, gamma, 1e-5).Eval().Shape);
    }

    [Fact]
    public void BadShapesAndHyperParametersNameTheOpAndTheShapes()
    {
        var x = Expr.Placeholder("x", 4, 3);
        var three = Expr.Constant(Tensor.Ones(Shape.Of(3)));
        var two = Expr.Constant(Tensor.Ones(Shape.Of(2)));
        var layer = Assert.Throws<ShapeException>(() => LayerNorm(x, two, two));
        Assert.Contains("LayerNorm", layer.Message);
        Assert.Contains("(4, 3)", layer.Message);
        Assert.Contains("(2,)", layer.Message);
        var batch = Assert.Throws<ShapeException>(() => BatchNorm(x, three, two));
        Assert.Contains("(4, 3)", batch.Message);
        Assert.Throws<ShapeException>(() => BatchNorm(Expr.Placeholder("v", 3), three, three));
        Assert.Throws<ShapeException>(() => BatchNormInference(x, three, three, two, three, 1e-5));
        Assert.Throws<FuncNetException>(() => LayerNorm(x, three, three, 0.0));
        Assert.Throws<FuncNetException>(() => BatchNorm(x, three, three, Expr.Variable("m", Tensor.Zeros(Shape.Of(3))), Expr.Variable("v", Tensor.Ones(Shape.Of(3))), 1.5, 1e-5));
    }
}
