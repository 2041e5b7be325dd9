using System.Text.Json;
using FuncNet.Cli.Tutorial;
using FuncNet.Tests;

namespace FuncNet.Cli.Tests;

/// <summary>Each chapter's computation, run on the fixtures' own data and weights, reproduces the curriculum's numbers (Float64).</summary>
public class TutorialChapterTests
{
    private static readonly IBackend Backend = FuncNet.Backend.Default;

    private static Tensor T(JsonElement e, string name) => Fixtures.Tensor(e.GetProperty(name));

    private static void Close(double expected, double actual, double rtol, string what) =>
        Assert.True(Math.Abs(expected - actual) <= rtol * Math.Abs(expected), $"{what}: expected {expected:R}, actual {actual:R}");

    private static void Close(Tensor expected, Tensor actual, double rtol, string what) =>
        Assert.True(expected.Shape == actual.Shape && actual.AllClose(expected, rtol, 0), $"{what}: expected\n{expected}\nactual\n{actual}");

    private static JsonElement Unit(string name) => Fixtures.Load("tensorslow/unit_cases.json").GetProperty(name);

    [Fact]
    public void Chapter1AffineGraphAndSigmoidPerceptron()
    {
        var affine = Unit("nb_cell18_affine");
        Assert.Equal(new[] { 2.0, -1.0 }, AffineGraphChapter.Affine(T(affine, "A"), T(affine, "b"), T(affine, "x"), Backend).ToDoubleArray());
        var s = Unit("nb_cell33_sigmoid_perceptron");
        Close(s.GetProperty("p").GetDouble(), AffineGraphChapter.SigmoidPerceptron(T(s, "w"), s.GetProperty("b").GetDouble(), T(s, "x"), Backend), 1e-14, "p");
    }

    [Fact]
    public void Chapter2And3FixedWeights()
    {
        var f = Unit("fixed_softmax_perceptron");
        Close(T(f, "p"), PointCloudsChapter.Probabilities(T(f, "X"), T(f, "W"), T(f, "b"), Backend), 1e-12, "p");
        Close(f.GetProperty("J").GetDouble(), CrossEntropyChapter.Loss(T(f, "X"), T(f, "c"), T(f, "W"), T(f, "b"), Backend), 1e-12, "J");

        // The notebook's fixed W = [[1, −1], [1, −1]], b = 0 on the perceptron's 100 points.
        var p = Fixtures.Load("tensorslow/perceptron_seed0.json");
        var probabilities = PointCloudsChapter.Probabilities(T(p, "X"), PointCloudsChapter.FixedW, PointCloudsChapter.FixedB, Backend).ToArray2D();
        var first3 = T(p, "fixed_W_softmax_first3").ToArray2D();
        for (var i = 0; i < 3; i++) { for (var j = 0; j < 2; j++) { Close(first3[i, j], probabilities[i, j], 1e-12, $"p[{i},{j}]"); } }
        Close(p.GetProperty("fixed_W_loss_cell52").GetDouble(),
            CrossEntropyChapter.Loss(T(p, "X"), T(p, "c"), PointCloudsChapter.FixedW, PointCloudsChapter.FixedB, Backend), 1e-12, "J");
    }

    [Fact]
    public void Chapter4PerceptronTraining()
    {
        var f = Fixtures.Load("tensorslow/perceptron_seed0.json");
        var run = PerceptronTrainingChapter.Train(T(f, "X"), T(f, "c"), T(f, "W0"), T(f, "b0"), 0.01, 100, Backend, null);
        var expected = f.GetProperty("loss_before_step").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        for (var i = 0; i < expected.Length; i++) { Close(expected[i], run.LossBeforeStep[i], 1e-8, $"loss {i}"); }
        Close(T(f, "W_final"), run.Final["W"], 1e-8, "W");
        Close(T(f, "b_final"), run.Final["b"], 1e-8, "b");
        Close(f.GetProperty("loss_after_100").GetDouble(), run.FinalLoss, 1e-8, "final loss");
        Assert.Equal(f.GetProperty("train_accuracy").GetDouble(), run.Accuracy);

        var tiny = Unit("tiny_perceptron_training");
        var small = PerceptronTrainingChapter.Train(T(tiny, "X"), T(tiny, "c"), T(tiny, "W0"), T(tiny, "b0"), 0.1, 5, Backend, null);
        Close(T(tiny, "W_final"), small.Final["W"], 1e-10, "tiny W");
        Close(tiny.GetProperty("loss_final").GetDouble(), small.FinalLoss, 1e-10, "tiny loss");
    }

    [Fact]
    public void Chapter5MlpOnTheXorOfClusters()
    {
        var f = Fixtures.Load("tensorslow/mlp_seed0.json");
        var initial = new Dictionary<string, Tensor>
        {
            ["W_hidden"] = T(f, "W_hidden0"), ["b_hidden"] = T(f, "b_hidden0"), ["W_output"] = T(f, "W_output0"), ["b_output"] = T(f, "b_output0"),
        };
        var (run, grid) = MlpChapter.Train(T(f, "X"), T(f, "c"), initial, 0.03, 1000, Backend, null);
        var expected = f.GetProperty("loss_before_step").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        for (var i = 0; i < expected.Length; i++) { Close(expected[i], run.LossBeforeStep[i], 1e-8, $"loss {i}"); }
        foreach (var name in initial.Keys) { Close(T(f, name + "_final"), run.Final[name], 1e-8, name); }
        Assert.Equal(f.GetProperty("boundary_grid_argmax").GetString(), grid);
        Assert.Equal(f.GetProperty("train_accuracy").GetDouble(), run.Accuracy);
    }

    [Fact]
    public void Chapter6NumpyNet()
    {
        var f = Fixtures.Load("numpy-net/numpy_net_firstcol_seed1.json");
        var (run, output) = NumpyNetChapter.Train(T(f, "X"), T(f, "y"), T(f, "syn0_initial"), T(f, "syn1_initial"), 50, Backend, null);
        var expected = f.GetProperty("loss_before_iteration").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        for (var i = 0; i < expected.Length; i++) { Close(expected[i], run.LossBeforeStep[i], 1e-9, $"loss {i}"); }
        Close(T(f, "syn0_final"), run.Final["syn0"], 1e-9, "syn0");
        Close(T(f, "syn1_final"), run.Final["syn1"], 1e-9, "syn1");
        Close(T(f, "l2_final"), output.Reshape(Shape.Of(4)), 1e-9, "l2");
        Assert.Equal(NumpyNetChapter.X, T(f, "X"));
    }
}
