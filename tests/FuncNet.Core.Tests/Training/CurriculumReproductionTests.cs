using System.Text.Json;
using static FuncNet.Ops;

namespace FuncNet.Tests.Training;

/// <summary>
/// The curriculum's training runs, reproduced with Session and GradientDescentOptimizer from the fixtures'
/// own data and initial weights: every per-step loss and the final weights (Float64).
/// </summary>
public class CurriculumReproductionTests
{
    private static JsonElement Unit(string name) => Fixtures.Load("tensorslow/unit_cases.json").GetProperty(name);

    private static Tensor T(JsonElement e, string name) => Fixtures.Tensor(e.GetProperty(name));

    private static void AssertRelative(double expected, double actual, double rtol, string what) =>
        Assert.True(Math.Abs(expected - actual) <= rtol * Math.Abs(expected), $"{what}: expected {expected:R}, actual {actual:R} (rtol {rtol})");

    /// <summary>The perceptron of the curriculum: p = softmax(X·W + b), J summed.</summary>
    private static (List<double> Losses, Session Session, Expr W, Expr B, Expr P, Expr X, Expr C) TrainPerceptron(JsonElement f, string w0, string b0)
    {
        var x = Expr.Placeholder("X", -1, 2);
        var c = Expr.Placeholder("c", -1, 2);
        var w = Expr.Variable("W", T(f, w0));
        var b = Expr.Variable("b", T(f, b0));
        var p = Softmax(MatMul(x, w) + b);
        var j = Losses.CategoricalCrossEntropy(c, p, Reduction.Sum);
        var step = new GradientDescentOptimizer(f.GetProperty("learning_rate").GetDouble()).Minimize(j);
        var session = new Session();
        var feeds = new Dictionary<Expr, Tensor> { [x] = T(f, "X"), [c] = T(f, "c") };
        var losses = new List<double>();
        for (var i = 0; i < f.GetProperty("steps").GetInt32(); i++)
        {
            losses.Add(session.Run(step, feeds).ToScalar());
        }
        return (losses, session, w, b, p, x, c);
    }

    [Fact]
    public void PerceptronSeed0EveryLossAndFinalWeights()
    {
        var f = Fixtures.Load("tensorslow/perceptron_seed0.json");
        var (losses, session, w, b, p, x, c) = TrainPerceptron(f, "W0", "b0");
        using var _ = session;
        var expected = f.GetProperty("loss_before_step").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(expected.Length, losses.Count);
        for (var i = 0; i < expected.Length; i++) { AssertRelative(expected[i], losses[i], 1e-8, $"loss before step {i}"); }
        TensorAssert.Close(T(f, "W_final"), session.GetValue(w), 1e-8, 0);
        TensorAssert.Close(T(f, "b_final"), session.GetValue(b), 1e-8, 0);
        var j = Losses.CategoricalCrossEntropy(c, p, Reduction.Sum);
        var feeds = new Dictionary<Expr, Tensor> { [x] = T(f, "X"), [c] = T(f, "c") };
        AssertRelative(f.GetProperty("loss_after_100").GetDouble(), session.Run(j, feeds).ToScalar(), 1e-8, "loss after 100");
        Assert.Equal(f.GetProperty("train_accuracy").GetDouble(), session.Run(Losses.Accuracy(c, p), feeds).ToScalar());
    }

    /// <summary>The curriculum's MLP (sigmoid hidden layer, softmax output, summed cross-entropy) from a fixture's initial weights.</summary>
    private static (Expr X, Expr C, Expr Wh, Expr Bh, Expr Wo, Expr Bo, Expr P, Expr J) CurriculumMlp(System.Text.Json.JsonElement f)
    {
        var x = Expr.Placeholder("X", -1, 2);
        var c = Expr.Placeholder("c", -1, 2);
        var wh = Expr.Variable("W_hidden", T(f, "W_hidden0"));
        var bh = Expr.Variable("b_hidden", T(f, "b_hidden0"));
        var wo = Expr.Variable("W_output", T(f, "W_output0"));
        var bo = Expr.Variable("b_output", T(f, "b_output0"));
        var p = Softmax(MatMul(Sigmoid(MatMul(x, wh) + bh), wo) + bo);
        return (x, c, wh, bh, wo, bo, p, Losses.CategoricalCrossEntropy(c, p, Reduction.Sum));
    }

    [Fact]
    public void MlpSeed0EveryLossFinalWeightsAndDecisionBoundary()
    {
        var f = Fixtures.Load("tensorslow/mlp_seed0.json");
        var (x, c, wh, bh, wo, bo, p, j) = CurriculumMlp(f);
        var step = new GradientDescentOptimizer(0.03).Minimize(j);
        using var session = new Session();
        var feeds = new Dictionary<Expr, Tensor> { [x] = T(f, "X"), [c] = T(f, "c") };
        var expected = f.GetProperty("loss_before_step").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        for (var i = 0; i < expected.Length; i++)
        {
            AssertRelative(expected[i], session.Run(step, feeds).ToScalar(), 1e-8, $"loss before step {i}");
        }
        foreach (var (v, name) in new[] { (wh, "W_hidden_final"), (bh, "b_hidden_final"), (wo, "W_output_final"), (bo, "b_output_final") })
        {
            TensorAssert.Close(T(f, name), session.GetValue(v), 1e-8, 0);
        }
        AssertRelative(f.GetProperty("loss_after_1000").GetDouble(), session.Run(j, feeds).ToScalar(), 1e-8, "loss after 1000");

        // The 50 × 50 grid over linspace(−2, 2, 50)², x-major: one batched run of argmax p.
        var grid = new double[2500, 2];
        for (var i = 0; i < 50; i++)
        {
            for (var k = 0; k < 50; k++)
            {
                grid[i * 50 + k, 0] = -2 + 4.0 * i / 49;
                grid[i * 50 + k, 1] = -2 + 4.0 * k / 49;
            }
        }
        var classes = session.Run(ArgMax(p, 1), (x, Tensor.FromArray(grid))).ToIntArray();
        Assert.Equal(f.GetProperty("boundary_grid_argmax").GetString(), string.Concat(classes.Select(k => (char)('0' + k))));
    }

    [Fact]
    public void TinyPerceptronTrainingOfTheUnitCases()
    {
        var f = Unit("tiny_perceptron_training");
        var (losses, session, w, b, _, _, _) = TrainPerceptron(f, "W0", "b0");
        using var _s = session;
        var expected = f.GetProperty("loss_before_step").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        for (var i = 0; i < expected.Length; i++) { AssertRelative(expected[i], losses[i], 1e-10, $"loss before step {i}"); }
        TensorAssert.Close(T(f, "W_final"), session.GetValue(w), 1e-10, 0);
        TensorAssert.Close(T(f, "b_final"), session.GetValue(b), 1e-10, 0);
    }

    [Fact]
    public void XorMlpTrainingOfTheUnitCases()
    {
        var f = Unit("xor_mlp_training");
        var (x, c, wh, bh, wo, bo, p, j) = CurriculumMlp(f);
        var step = new GradientDescentOptimizer(f.GetProperty("learning_rate").GetDouble()).Minimize(j);
        using var session = new Session();
        var feeds = new Dictionary<Expr, Tensor> { [x] = T(f, "X"), [c] = T(f, "c") };
        var checkpoints = f.GetProperty("loss_before_step").EnumerateObject().ToDictionary(e => int.Parse(e.Name), e => e.Value.GetDouble());
        var steps = f.GetProperty("steps").GetInt32();
        for (var i = 0; i < steps; i++)
        {
            var loss = session.Run(step, feeds).ToScalar();
            if (checkpoints.TryGetValue(i, out var expected)) { AssertRelative(expected, loss, 1e-8, $"loss before step {i}"); }
        }
        var final = session.Run([j, p], feeds);
        AssertRelative(f.GetProperty("loss_final").GetDouble(), final[0].ToScalar(), 1e-8, "final loss");
        TensorAssert.Close(T(f, "p_final"), final[1], 1e-8, 1e-12);
        foreach (var (v, name) in new[] { (wh, "W_hidden_final"), (bh, "b_hidden_final"), (wo, "W_output_final"), (bo, "b_output_final") })
        {
            TensorAssert.Close(T(f, name), session.GetValue(v), 1e-8, 0);
        }
    }

    [Fact]
    public void NumpyTwoLayerNetFirstColumnSeed1()
    {
        var f = Fixtures.Load("numpy-net/numpy_net_firstcol_seed1.json");
        var x = Expr.Placeholder("X", 4, 3);
        var y = Expr.Placeholder("y", 4, 1);
        var syn0 = Expr.Variable("syn0", T(f, "syn0_initial"));
        var syn1 = Expr.Variable("syn1", T(f, "syn1_initial"));
        var l2 = Sigmoid(MatMul(Sigmoid(MatMul(x, syn0)), syn1));
        var loss = 0.5 * Losses.SquaredError(y, l2, Reduction.Sum);
        var step = new GradientDescentOptimizer(1.0).Minimize(loss);
        using var session = new Session();
        var feeds = new Dictionary<Expr, Tensor> { [x] = T(f, "X"), [y] = T(f, "y") };
        var expected = f.GetProperty("loss_before_iteration").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var outputs = f.GetProperty("l2_before_iteration").EnumerateArray().ToArray();
        for (var i = 0; i < expected.Length; i++)
        {
            var before = session.Run(l2, feeds);
            TensorAssert.Close(Fixtures.Tensor(outputs[i]).Reshape(Shape.Of(4, 1)), before, 1e-9, 1e-12);
            AssertRelative(expected[i], session.Run(step, feeds).ToScalar(), 1e-9, $"loss before iteration {i}");
        }
        TensorAssert.Close(T(f, "syn0_final"), session.GetValue(syn0), 1e-9, 1e-12);
        TensorAssert.Close(T(f, "syn1_final"), session.GetValue(syn1), 1e-9, 1e-12);
        AssertRelative(f.GetProperty("loss_final").GetDouble(), session.Run(loss, feeds).ToScalar(), 1e-9, "final loss");
    }
}
