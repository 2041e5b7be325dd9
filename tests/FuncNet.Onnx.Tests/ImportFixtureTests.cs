namespace FuncNet.Tests;

/// <summary>Models FuncNet did not write (tests/fixtures/onnx, made by make_fixtures.py with python3-onnx): imported, they compute what ONNX Runtime does.</summary>
public sealed class ImportFixtureTests
{
    private static string Fixture(string name) => Path.Combine(Fixtures.Root, "onnx", name);

    [Theory]
    [InlineData("mlp_gemm_relu.onnx")]
    [InlineData("softmax_opset13.onnx")]
    [InlineData("conv_maxpool.onnx")]
    public void ImportedModelComputesWhatOnnxRuntimeDoes(string name)
    {
        var graph = Onnx.Import(Fixture(name));
        var model = File.ReadAllBytes(Fixture(name));
        foreach (var batch in new[] { 1, 7 })
        {
            var feeds = Feeds.For(graph.Inputs, batch, seed: batch);
            var expected = OnnxRuntimeRunner.Run(model, feeds)[0];
            var actual = OnnxRuntimeConformanceTests.Evaluate(graph.Outputs[0], graph.Inputs, feeds);
            Compare.Close(expected, actual, $"{name} at batch {batch}");
        }
    }

    [Fact]
    public void InitializersBecomeTrainableVariables()
    {
        var graph = Onnx.Import(Fixture("mlp_gemm_relu.onnx"));
        Assert.Equal(["w1", "b1", "w2", "b2"], graph.Variables.Select(v => v.Name));
        Assert.Equal(Shape.Of(-1, 4), graph.Input("x").Shape);
        // Differentiable as any FuncNet graph: a gradient with respect to every weight.
        var loss = Ops.ReduceSum(Ops.Square(graph.Output("y")));
        var gradients = Ops.Gradients(loss, [.. graph.Variables]);
        Assert.All(gradients.Zip(graph.Variables), p => Assert.Equal(p.Second.Shape, p.First.Shape));
    }
}
