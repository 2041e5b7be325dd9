using System.Text.Json;
using static FuncNet.Ops;

namespace FuncNet.Tests.Expressions;

/// <summary>
/// Convolution and pooling against PyTorch 1.13 (tests/fixtures/torch/conv_pool.json, written by
/// make_conv_pool.py): values and the gradients of L = Σ R ⊙ op(inputs), in Float64 within 1e-12.
/// </summary>
public class ConvolutionFixtureTests
{
    private static readonly JsonElement Cases = Fixtures.Load("torch/conv_pool.json").GetProperty("cases");

    public static TheoryData<string> CaseNames => new(Cases.EnumerateArray().Select(c => c.GetProperty("name").GetString()!));

    private static int[] Ints(JsonElement p, string name) => p.GetProperty(name).EnumerateArray().Select(e => e.GetInt32()).ToArray();

    private static Conv2DOptions ConvOptions(JsonElement p)
    {
        int[] stride = Ints(p, "stride"), pad = Ints(p, "padding"), dilation = Ints(p, "dilation");
        return new Conv2DOptions
        {
            StrideH = stride[0], StrideW = stride[1], DilationH = dilation[0], DilationW = dilation[1],
            Padding = Padding2D.Explicit(pad[0], pad[1], pad[2], pad[3]), Groups = p.GetProperty("groups").GetInt32(),
        };
    }

    private static Pool2DOptions PoolOptions(JsonElement p)
    {
        int[] kernel = Ints(p, "kernel"), stride = Ints(p, "stride"), pad = Ints(p, "padding");
        return new(kernel[0], kernel[1], stride[0], stride[1], Padding2D.Explicit(pad[0], pad[1], pad[2], pad[3]));
    }

    private static Expr Build(string op, JsonElement p, Expr[] x) => op switch
    {
        "conv2d" => Conv2D(x[0], x[1], ConvOptions(p)),
        "conv2d_transpose" => Conv2DTranspose(x[0], x[1], ConvOptions(p), Ints(p, "output_padding")[0], Ints(p, "output_padding")[1]),
        "max_pool2d" => MaxPool2D(x[0], PoolOptions(p)),
        "avg_pool2d" => AvgPool2D(x[0], PoolOptions(p)),
        "global_avg_pool2d" => GlobalAvgPool2D(x[0]),
        _ => throw new InvalidOperationException($"unknown fixture op {op}"),
    };

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void ValuesAndGradientsMatchPyTorch(string name)
    {
        var c = Cases.EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        var inputs = c.GetProperty("inputs").EnumerateArray().Select(Fixtures.Tensor).ToArray();
        var placeholders = inputs.Select((t, i) => Expr.Placeholder($"x{i}", t.Shape)).ToArray();
        var output = Build(c.GetProperty("op").GetString()!, c.GetProperty("params"), placeholders);
        var loss = ReduceSum(Expr.Constant(Fixtures.Tensor(c.GetProperty("upstream"))) * output);
        var feeds = placeholders.Zip(inputs).ToDictionary(p => p.First, p => p.Second);
        var results = Eval([output, .. Gradients(loss, placeholders)], feeds);
        Tensor[] expected = [Fixtures.Tensor(c.GetProperty("output")), .. c.GetProperty("gradients").EnumerateArray().Select(Fixtures.Tensor)];
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Shape, results[i].Shape);
            Assert.True(results[i].AllClose(expected[i], 1e-12, 1e-12), $"{name} tensor {i} differs by {results[i].MaxAbsDifference(expected[i]):E2}");
        }
    }
}
