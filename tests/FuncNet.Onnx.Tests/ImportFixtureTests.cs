namespace FuncNet.Tests;

/// <summary>
/// Models FuncNet did not write (tests/fixtures/onnx, made by make_fixtures.py with python3-onnx, and, for what
/// python3-onnx 1.12 cannot write, <see cref="ForeignModel"/>): imported, they compute what ONNX Runtime does.
/// </summary>
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

    [Theory]
    [InlineData("none", GeluApproximation.None)]
    [InlineData("tanh", GeluApproximation.Tanh)]
    [InlineData(null, GeluApproximation.None)]
    public void OnnxGeluOfOpset20IsFuncNetsGeluAndComputesWhatOnnxRuntimeDoes(string? approximate, GeluApproximation expected)
    {
        var model = ForeignModel.OneNode(20, "Gelu", [new("x", DType.Float32, null, 3)], new("y", DType.Float32, null, 3), [], ["x"],
            approximate is null ? [] : [ForeignModel.Text("approximate", approximate)]);
        var graph = Onnx.Import(model, $"gelu {approximate}");
        Assert.Equal(new GeluOp(expected), graph.Output("y").Op);
        foreach (var batch in new[] { 1, 7 })
        {
            var feeds = Feeds.For(graph.Inputs, batch, seed: batch);
            Compare.Close(OnnxRuntimeRunner.Run(model, feeds)[0], OnnxRuntimeConformanceTests.Evaluate(graph.Output("y"), graph.Inputs, feeds), $"Gelu {approximate} at batch {batch}");
        }
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void ScatterNDAddingIntoNonZeroDataIsTheDataPlusScatterAdd(DType dtype)
    {
        // Data from an initializer, indices that repeat (row 2 twice): ScatterND's reduction = add sums into the data.
        var data = OpCase.Random(dtype, 4, 3);
        var model = ForeignModel.OneNode(16, "ScatterND", [new("updates", dtype, 5, 3)], new("y", dtype, 4, 3),
            [OnnxTensors.ToProto(data, "data"), ForeignModel.Int64s("indices", [2, 0, 2, 3, 1], 5, 1)], ["data", "indices", "updates"], ForeignModel.Text("reduction", "add"));
        var graph = Onnx.Import(model, "scatter into data");
        var feeds = Feeds.For(graph.Inputs, 1, seed: 3);
        Compare.Close(OnnxRuntimeRunner.Run(model, feeds)[0], OnnxRuntimeConformanceTests.Evaluate(graph.Output("y"), graph.Inputs, feeds), $"ScatterND {dtype}");
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
