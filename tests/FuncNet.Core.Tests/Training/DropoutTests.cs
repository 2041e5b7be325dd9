using FuncNet.Layers;
using FuncNet.Expressions;
using static FuncNet.Ops;

namespace FuncNet.Tests.Training;

/// <summary>
/// Dropout: inverted scaling, identity at inference, a keep fraction that holds statistically, gradients only
/// through kept units, bad rates rejected; and a RandomKeyStream that a training step advances.
/// </summary>
public class DropoutTests
{
    private static readonly Tensor Ones = Tensor.Ones(Shape.Of(100, 100));

    [Fact]
    public void KeptUnitsAreScaledAndTheKeepFractionHolds()
    {
        foreach (var rate in new[] { 0.1, 0.5, 0.8 })
        {
            var y = Dropout(Expr.Constant(Ones), rate, RandomKey(11), training: true).Eval().ToDoubleArray();
            var kept = y.Count(v => v != 0);
            // 10,000 units: the kept count is within 5 standard deviations of (1 − rate)·n, which a rate off by
            // 0.03 fails; each kept unit is 1 / (1 − rate), so the mean stays 1.
            var sd = Math.Sqrt(y.Length * rate * (1 - rate));
            Assert.InRange(kept, y.Length * (1 - rate) - 5 * sd, y.Length * (1 - rate) + 5 * sd);
            Assert.All(y.Where(v => v != 0), v => Assert.Equal(1 / (1 - rate), v, 12));
        }
    }

    [Fact]
    public void InferenceAndRateZeroAreTheIdentity()
    {
        var x = Expr.Placeholder("x", Shape.Of(3, 4));
        Assert.Same(x, Dropout(x, 0.5, RandomKey(1), training: false));
        Assert.Same(x, Dropout(x, 0, RandomKey(1), training: true));
    }

    [Fact]
    public void TheSameKeyGivesTheSameMaskAndGradientsFlowOnlyThroughKeptUnits()
    {
        var x = Expr.Placeholder("x", Shape.Of(20, 30));
        var xs = Tensor.Create(x.Shape, Enumerable.Range(0, 600).Select(i => 1 + i * 0.01).ToArray());
        var y = Dropout(x, 0.4, RandomKey(9), training: true);
        var values = y.Eval((x, xs)).ToDoubleArray();
        Assert.Equal(values, Dropout(x, 0.4, RandomKey(9), training: true).Eval((x, xs)).ToDoubleArray());
        Assert.NotEqual(values, Dropout(x, 0.4, RandomKey(10), training: true).Eval((x, xs)).ToDoubleArray());
        var g = Gradient(ReduceSum(y), x).Eval((x, xs)).ToDoubleArray();
        for (var i = 0; i < g.Length; i++)
        {
            Assert.Equal(values[i] == 0 ? 0 : 1 / 0.6, g[i], 12);
        }
        Assert.Equal(Dropout(x, 0.4, RandomKey(9), training: true).Eval((x, xs.Cast(DType.Float64))).ToDoubleArray().Select(v => v != 0),
            Dropout(Cast(x, DType.Float32), 0.4, RandomKey(9), training: true).Eval((x, xs)).ToDoubleArray().Select(v => v != 0));
    }

    [Fact]
    public void ARateOutsideZeroToOneIsRejected()
    {
        var x = Expr.Placeholder("x", Shape.Of(2, 3));
        foreach (var rate in new[] { -0.1, 1.0, 1.5, double.NaN })
        {
            var e = Assert.Throws<FuncNetException>(() => Dropout(x, rate, RandomKey(0), training: true));
            Assert.Contains("Dropout: expected a rate in [0, 1)", e.Message);
        }
        Assert.Contains("needs x's full shape", Assert.Throws<ShapeException>(() =>
            Dropout(Expr.Placeholder("b", new Shape([Shape.Unknown, 3])), 0.5, RandomKey(0), training: true)).Message);
        Assert.Contains("expected one key of shape (2,)", Assert.Throws<ShapeException>(() => Dropout(x, 0.5, SplitKey(RandomKey(0), 2), training: true)).Message);
    }

    [Fact]
    public void ATrainingStepAdvancesItsKeyStreamSoEachStepDrawsANewMask()
    {
        var stream = new RandomKeyStream("dropout/key", 42);
        var w = Expr.Variable("w", Tensor.Ones(Shape.Of(1, 200)));
        var masked = Dropout(w, 0.5, stream.Next(), training: true);
        var step = new GradientDescentOptimizer(1e-30).Minimize(ReduceSum(masked));
        Assert.Equal([w], step.Variables);
        Assert.Contains(step.Assignments, a => a.Variable == stream.Key);
        using var session = new Session(Backend.Reference);
        var keys = new List<int[]>();
        var losses = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            keys.Add(session.GetValue(stream.Key).ToIntArray());
            losses.Add(session.Run(step).ToScalar());
        }
        Assert.Equal(3, keys.Select(k => (k[0], k[1])).Distinct().Count());
        Assert.Equal(new[] { 0, 42 }, keys[0]);
        Assert.Equal(keys[1], KeyAt(RandomKey(42), 0).Eval().ToIntArray());
        Assert.Equal(3, losses.Distinct().Count());
        // The same seed replays the same masks.
        using var again = new Session(Backend.Reference);
        Assert.Equal(losses[0], again.Run(step).ToScalar());
        Assert.NotEqual(stream.Next().ToString(), stream.Next().ToString());
    }

    [Fact]
    public void ADropoutLayerInASequentialDropsWhileTrainingAndIsTheIdentityAfter()
    {
        var dropout = new FuncNet.Layers.Dropout(0.5, new RandomKeyStream("layer/key", 3));
        var model = new Sequential(new Dense(50, Relu, 1), dropout, new Dense(2, 2));
        var x = Expr.Placeholder("x", Shape.Of(8, 4));
        var xs = Tensor.Ones(x.Shape);
        var trained = model.Apply(x);
        Assert.Contains(GraphWalk.Topological([trained]), n => n.Op is BernoulliOp);
        dropout.Training = false;
        var inference = model.Apply(x);
        Assert.DoesNotContain(GraphWalk.Topological([inference]), n => n.Op is BernoulliOp);
        Assert.NotEqual(inference.Eval((x, xs)), trained.Eval((x, xs)));
        Assert.Empty(dropout.Variables);
        Assert.Throws<FuncNetException>(() => new FuncNet.Layers.Dropout(1, dropout.Keys));
    }
}
