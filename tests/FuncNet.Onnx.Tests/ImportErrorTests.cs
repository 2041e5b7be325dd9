using Google.Protobuf;
using P = global::Onnx;

namespace FuncNet.Tests;

/// <summary>Damaged and foreign models: a CorruptFileException or a FuncNetException that names the op, opset or field, never another exception.</summary>
public sealed class ImportErrorTests
{
    private static byte[] ValidModel()
    {
        var x = Expr.Placeholder("x", Shape.Of(-1, 3), DType.Float32);
        var w = Expr.Variable("w", OpCase.Random(DType.Float32, 3, 2));
        var b = Expr.Variable("b", OpCase.Random(DType.Float32, 2));
        return Onnx.ExportToBytes([Ops.Softmax(Ops.Relu(Ops.MatMul(x, w) + b))], ["p"], [x], v => v.InitialValue);
    }

    private static void ImportFailsCleanlyOrSucceeds(byte[] bytes, string what)
    {
        try
        {
            Onnx.Import(bytes, what);
        }
        catch (FuncNetException)
        {
        }
        catch (Exception e)
        {
            Assert.Fail($"{what}: {e.GetType().Name}: {e.Message}");
        }
    }

    [Fact]
    public void EveryTruncationIsACorruptFileException()
    {
        var model = ValidModel();
        for (var length = 0; length < model.Length; length++)
        {
            var e = Record.Exception(() => Onnx.Import(model[..length], $"truncated to {length}"));
            Assert.True(e is CorruptFileException, $"truncated to {length} of {model.Length} bytes: {e?.GetType().Name ?? "no exception"}: {e?.Message}");
        }
    }

    [Fact]
    public void RandomMutationsFailCleanlyOrImport()
    {
        var model = ValidModel();
        var random = new Random(2026);
        for (var trial = 0; trial < 400; trial++)
        {
            var bytes = (byte[])model.Clone();
            for (var k = random.Next(1, 4); k > 0; k--)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }
            ImportFailsCleanlyOrSucceeds(bytes, $"mutation {trial}");
        }
    }

    private static P.ModelProto Parse(byte[] bytes) => P.ModelProto.Parser.ParseFrom(bytes);

    [Fact]
    public void AnUnsupportedOpNamesTheOpItsDomainAndTheOpset()
    {
        var model = Parse(ValidModel());
        model.Graph.Node.First(n => n.OpType == "Relu").OpType = "Celu";
        var e = Assert.Throws<FuncNetException>(() => Onnx.Import(model.ToByteArray(), "celu.onnx"));
        Assert.Contains("op Celu", e.Message);
        Assert.Contains("domain ai.onnx", e.Message);
        Assert.Contains($"opset {Onnx.Opset}", e.Message);
    }

    [Theory]
    [InlineData(17, "none", "Gelu is an op of opset 20 and later")]
    [InlineData(20, "fast", "attribute approximate is 'fast'; expected 'none' or 'tanh'")]
    public void AGeluBeforeOpset20OrWithAnUnknownApproximationNamesTheNodeAndWhy(long opset, string approximate, string why)
    {
        var model = ForeignModel.OneNode(opset, "Gelu", [new("x", DType.Float32, null, 3)], new("y", DType.Float32, null, 3), [], ["x"], ForeignModel.Text("approximate", approximate));
        var e = Assert.Throws<FuncNetException>(() => Onnx.Import(model, "gelu.onnx"));
        Assert.Contains($"node 'Gelu_0' (Gelu, opset {opset})", e.Message);
        Assert.Contains(why, e.Message);
    }

    [Theory]
    [InlineData("mul")]
    [InlineData(null)]
    public void AScatterNDThatDoesNotAddIsRefusedNamingTheReduction(string? reduction)
    {
        var model = ForeignModel.OneNode(16, "ScatterND", [new("data", DType.Float32, 4, 3), new("updates", DType.Float32, 2, 3)], new("y", DType.Float32, 4, 3),
            [ForeignModel.Int64s("indices", [1, 3], 2, 1)], ["data", "indices", "updates"], reduction is null ? [] : [ForeignModel.Text("reduction", reduction)]);
        var e = Assert.Throws<FuncNetException>(() => Onnx.Import(model, "scatter.onnx"));
        Assert.Contains($"ScatterND with reduction = {reduction ?? "none"}", e.Message);
        Assert.Contains("not supported", e.Message);
    }

    [Fact]
    public void AnOpOfAnotherDomainNamesTheDomain()
    {
        var model = Parse(ValidModel());
        model.Graph.Node.First(n => n.OpType == "Relu").Domain = "com.microsoft";
        var e = Assert.Throws<FuncNetException>(() => Onnx.Import(model.ToByteArray(), "ms.onnx"));
        Assert.Contains("Relu", e.Message);
        Assert.Contains("'com.microsoft'", e.Message);
    }

    // A small vision model FuncNet wrote, whose nodes the tests below give attributes FuncNet cannot represent.
    private static P.ModelProto VisionModel()
    {
        var x = Expr.Placeholder("x", Shape.Of(-1, 1, 6, 6), DType.Float32);
        var conv = Ops.Conv2D(x, Expr.Variable("k", OpCase.Random(DType.Float32, 2, 1, 3, 3)), 1, Padding2D.Symmetric(1, 1));
        var pooled = Ops.MaxPool2D(conv, 2) + Ops.AvgPool2D(conv, new Pool2DOptions(2, 2, 2, 2, Padding2D.Explicit(1, 0, 1, 0)));
        return Parse(Onnx.ExportToBytes([pooled], ["y"], [x], v => v.InitialValue));
    }

    private static P.AttributeProto Int(string name, long value) => new() { Name = name, Type = P.AttributeProto.Types.AttributeType.Int, I = value };

    public static TheoryData<string, string, long, string> UnrepresentableAttributes() => new()
    {
        { "MaxPool", "ceil_mode", 1, "ceil_mode = 1" },
        { "MaxPool", "storage_order", 1, "storage_order = 1" },
        { "AveragePool", "count_include_pad", 1, "count_include_pad = 1 and padding" },
        { "AveragePool", "ceil_mode", 1, "ceil_mode = 1" },
        { "Conv", "group", 0, "attribute group has entry 0; expected a value in [1, " },
        { "Conv", "strides", 2, "attribute 'strides' has type Int; expected Ints" },
    };

    [Theory]
    [MemberData(nameof(UnrepresentableAttributes))]
    public void AVisionAttributeFuncNetCannotRepresentNamesTheNodeAndTheAttribute(string op, string attribute, long value, string expected)
    {
        var model = VisionModel();
        var node = model.Graph.Node.First(n => n.OpType == op);
        var existing = node.Attribute.FirstOrDefault(a => a.Name == attribute);
        if (existing is not null) { node.Attribute.Remove(existing); }
        node.Attribute.Add(Int(attribute, value));
        var e = Assert.ThrowsAny<FuncNetException>(() => Onnx.Import(model.ToByteArray(), "vision.onnx"));
        Assert.Contains(expected, e.Message);
        Assert.Contains($"node '{node.Name}' ({op}", e.Message);
    }

    [Fact]
    public void TrainingModeBatchNormalizationIsRefusedNamingTheNode()
    {
        var model = Parse(ValidModel());
        var relu = model.Graph.Node.First(n => n.OpType == "Relu");
        // Turn the Relu into a BatchNormalization over its input with scale, bias, mean and variance from the bias initializer.
        relu.OpType = "BatchNormalization";
        relu.Input.Add(["b", "b", "b", "b"]);
        relu.Attribute.Add(Int("training_mode", 1));
        var e = Assert.Throws<FuncNetException>(() => Onnx.Import(model.ToByteArray(), "bn.onnx"));
        Assert.Contains("training mode", e.Message);
        Assert.Contains($"node '{relu.Name}' (BatchNormalization", e.Message);
    }

    [Fact]
    public void AnInputShapeContradictingItsInitializerIsAShapeExceptionNamingBoth()
    {
        var model = Parse(ValidModel());
        // Older exporters list initializers among the inputs; here the declared shape disagrees with the data.
        var declared = model.Graph.Input[0].Clone();
        declared.Name = "w";
        declared.Type.TensorType.Shape.Dim.Clear();
        declared.Type.TensorType.Shape.Dim.Add(new P.TensorShapeProto.Types.Dimension { DimValue = 2 });
        declared.Type.TensorType.Shape.Dim.Add(new P.TensorShapeProto.Types.Dimension { DimValue = 3 });
        model.Graph.Input.Add(declared);
        var e = Assert.Throws<ShapeException>(() => Onnx.Import(model.ToByteArray(), "w.onnx"));
        Assert.Contains("input 'w'", e.Message);
        Assert.Contains("(2, 3)", e.Message);
        Assert.Contains("(3, 2)", e.Message);
    }

    [Fact]
    public void InitializerDataOfTheWrongLengthIsCorrupt()
    {
        var model = Parse(ValidModel());
        var w = model.Graph.Initializer.First(i => i.Name == "w");
        w.RawData = ByteString.CopyFrom(w.RawData.Span[..8]);
        var e = Assert.Throws<CorruptFileException>(() => Onnx.Import(model.ToByteArray(), "short.onnx"));
        Assert.Contains("initializer 'w'", e.Message);
        Assert.Contains("raw_data", e.Message);
    }

    [Fact]
    public void AMissingOpsetIsNamedAsTheField()
    {
        var model = Parse(ValidModel());
        model.OpsetImport.Clear();
        var e = Assert.Throws<CorruptFileException>(() => Onnx.Import(model.ToByteArray(), "no-opset.onnx"));
        Assert.Contains("opset_import", e.Message);
    }

    [Fact]
    public void AnUnsupportedElementTypeNamesTheFieldAndType()
    {
        var model = Parse(ValidModel());
        model.Graph.Input[0].Type.TensorType.ElemType = (int)P.TensorProto.Types.DataType.Float16;
        var e = Assert.Throws<FuncNetException>(() => Onnx.Import(model.ToByteArray(), "half.onnx"));
        Assert.Contains("FLOAT16", e.Message);
        Assert.Contains("elem_type", e.Message);
    }

    [Fact]
    public void ANameUsedBeforeItIsDefinedIsCorrupt()
    {
        var model = Parse(ValidModel());
        var nodes = model.Graph.Node.Reverse().ToArray();
        model.Graph.Node.Clear();
        model.Graph.Node.AddRange(nodes);
        Assert.Throws<CorruptFileException>(() => Onnx.Import(model.ToByteArray(), "unsorted.onnx"));
    }

    [Fact]
    public void ADirectoryIsNotAModel()
    {
        var e = Assert.Throws<CorruptFileException>(() => Onnx.Import(Path.GetTempPath()));
        Assert.Contains("directory", e.Message);
    }

    [Fact]
    public void AMissingFileIsCorruptNamingIt()
    {
        var e = Assert.Throws<CorruptFileException>(() => Onnx.Import("/nonexistent/model.onnx"));
        Assert.Contains("/nonexistent/model.onnx", e.Message);
    }
}
