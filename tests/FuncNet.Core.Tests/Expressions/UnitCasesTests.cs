using System.Text.Json;
using static FuncNet.Ops;

namespace FuncNet.Tests.Expressions;

/// <summary>The per-op cases of TensorSlow's unit fixture: forward values and gradients of L = Σ R ⊙ op(inputs), within 1e-12.</summary>
public class UnitCasesTests
{
    private static readonly JsonElement Cases = Fixtures.Load("tensorslow/unit_cases.json");

    private static readonly Dictionary<string, Func<Expr[], Expr>> OpsByCase = new()
    {
        ["add_same_shape"] = x => x[0] + x[1],
        ["add_bias_row_(2x3)+(3,)"] = x => x[0] + x[1],
        ["add_bias_col_(2x3)+(2x1)"] = x => x[0] + x[1],
        ["matmul_(2x3)(3x2)"] = x => MatMul(x[0], x[1]),
        ["sigmoid"] = x => Sigmoid(x[0]),
        ["softmax_rows"] = x => Softmax(x[0]),
        ["log"] = x => Log(x[0]),
        ["multiply_same_shape"] = x => x[0] * x[1],
        ["negative"] = x => -x[0],
        ["reduce_sum_axis0"] = x => ReduceSum(x[0], 0),
        ["reduce_sum_axis1"] = x => ReduceSum(x[0], 1),
        ["reduce_sum_all"] = x => ReduceSum(x[0]),
    };

    public static TheoryData<string> CaseNames => new(OpsByCase.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void ForwardAndGradientsMatchTensorSlow(string name)
    {
        var c = Cases.GetProperty(name);
        var inputs = c.GetProperty("inputs").EnumerateArray().Select(Fixtures.Tensor).ToArray();
        var placeholders = inputs.Select((t, i) => Expr.Placeholder($"x{i}", t.Shape)).ToArray();
        var feeds = placeholders.Zip(inputs).ToDictionary(p => p.First, p => p.Second);
        var output = OpsByCase[name](placeholders);
        var upstream = Expr.Constant(Fixtures.Tensor(c.GetProperty("upstream")));
        var loss = ReduceSum(upstream * output);
        var grads = Gradients(loss, placeholders);
        var values = Ops.Eval([output, .. grads], feeds);

        TensorAssert.Close(Fixtures.Tensor(c.GetProperty("output")), values[0]);
        var expectedGrads = c.GetProperty("grads").EnumerateArray().Select(Fixtures.Tensor).ToArray();
        for (var i = 0; i < expectedGrads.Length; i++)
        {
            TensorAssert.Close(expectedGrads[i], values[i + 1]);
        }
    }

    [Fact]
    public void AffineGraphOfTheFirstChapter()
    {
        var c = Cases.GetProperty("nb_cell18_affine");
        var a = Expr.Variable("A", Fixtures.Tensor(c.GetProperty("A")));
        var b = Expr.Variable("b", Fixtures.Tensor(c.GetProperty("b")));
        var x = Expr.Placeholder("x", Shape.Of(2));
        var z = MatMul(a, x) + b;
        var result = z.Eval((x, Fixtures.Tensor(c.GetProperty("x"))));
        Assert.Equal(new[] { 2.0, -1.0 }, result.ToArray<double>());
    }

    [Fact]
    public void SigmoidPerceptron()
    {
        var w = Expr.Variable("w", Tensor.FromArray(new[] { 1.0, 1.0 }));
        var b = Expr.Variable("b", 0.0);
        var x = Expr.Placeholder("x", Shape.Of(2));
        var p = Sigmoid(MatMul(w, x) + b);
        Assert.Equal(0.9933071490757153, p.Eval((x, Tensor.FromArray(new[] { 3.0, 2.0 }))).ToScalar(), 15);
    }

    [Fact]
    public void FixedSoftmaxPerceptronLoss()
    {
        var c = Cases.GetProperty("fixed_softmax_perceptron");
        var w = Expr.Constant(Fixtures.Tensor(c.GetProperty("W")));
        var b = Expr.Constant(Fixtures.Tensor(c.GetProperty("b")));
        var x = Expr.Constant(Fixtures.Tensor(c.GetProperty("X")));
        var labels = Expr.Constant(Fixtures.Tensor(c.GetProperty("c")));
        var p = Softmax(MatMul(x, w) + b);
        var j = -ReduceSum(ReduceSum(labels * Log(p), 1));
        var values = Ops.Eval([p, j], null);
        TensorAssert.Close(Fixtures.Tensor(c.GetProperty("p")), values[0]);
        Assert.Equal(c.GetProperty("J").GetDouble(), values[1].ToScalar(), 12);
    }
}
