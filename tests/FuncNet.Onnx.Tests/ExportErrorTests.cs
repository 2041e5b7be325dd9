using static FuncNet.Ops;
using FuncNet.Lowering;

namespace FuncNet.Tests;

/// <summary>What export refuses, before any file is written, and with what message.</summary>
public sealed class ExportErrorTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("funcnet-onnx-export-");

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>An op no ONNX rule covers (as a new op is until its entry is added).</summary>
    private sealed record UnmappedOp : Op
    {
        public override string Name => "Unmapped";
        internal override (Shape Shape, DType DType) Infer(IReadOnlyList<Shape> shapes, IReadOnlyList<DType> dtypes) => (shapes[0], dtypes[0]);
        internal override Tensor Reference(IReadOnlyList<Tensor> inputs, Shape outputShape, DType outputDType) => inputs[0];
        internal override Expr?[] Vjp(Expr node, Expr gradient) => [gradient];
        internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents) => tangents[0];
        internal override KernelKind Lower(IReadOnlyList<Shape> inputs, IReadOnlyList<DType> dtypes, Shape shape, DType dtype) => new ReferenceOnlyKind("a test op");
    }

    private string ExistingFile()
    {
        var path = Path.Combine(_dir.FullName, "model.onnx");
        File.WriteAllText(path, "previous contents");
        return path;
    }

    private void AssertUnchanged(string path)
    {
        Assert.Equal("previous contents", File.ReadAllText(path));
        Assert.Single(_dir.GetFiles());
    }

    [Fact]
    public void AnOpWithoutAnOnnxEquivalentIsNamedWithItsNode()
    {
        var x = Expr.Placeholder("x", Shape.Of(-1, 3), DType.Float32);
        var y = Relu(Expr.Make(new UnmappedOp(), x));
        var path = ExistingFile();
        var e = Assert.Throws<FuncNetException>(() => Onnx.Export(path, [y], [x]));
        Assert.Contains("op Unmapped", e.Message);
        Assert.Contains($"node {y.Inputs[0].Id}", e.Message);
        AssertUnchanged(path);
    }

    public static TheoryData<string, string> NoExactEquivalent() => new()
    {
        { "random", "RandomUniform" },
        { "batch statistics", "BatchNorm" },
    };

    [Theory]
    [MemberData(nameof(NoExactEquivalent))]
    public void AnOpWithoutAnExactOnnxEquivalentIsRefusedNamingItAndTheNode(string kind, string op)
    {
        var x = Expr.Placeholder("x", Shape.Of(4, 3), DType.Float32);
        var y = kind switch
        {
            "random" => x + RandomUniform(RandomKey(7), [4, 3], DType.Float32),
            _ => BatchNorm(x, Expr.Variable("gamma", Tensor.Zeros(Shape.Of(3), DType.Float32)), Expr.Variable("beta", Tensor.Zeros(Shape.Of(3), DType.Float32))),
        };
        var path = ExistingFile();
        var e = Assert.Throws<FuncNetException>(() => Onnx.Export(path, [y], [x]));
        Assert.Contains($"op {op}", e.Message);
        Assert.Contains("no exact ONNX equivalent", e.Message);
        Assert.Matches(@"node \d+", e.Message);
        AssertUnchanged(path);
    }

    [Fact]
    public void AScatterAddWithBatchDimsIsRefusedNamingTheNodeAndTheBatchDims()
    {
        // What the gradient of a Gather with batch dims is; ScatterND has no batch axes.
        var x = Expr.Placeholder("x", Shape.Of(2, 2), DType.Float32);
        var indices = Expr.Constant(Tensor.Create(Shape.Of(2, 2), new[] { 0, 2, 1, 1 }));
        var y = Expr.Make(new ScatterAddOp(1, 1), x, indices, Expr.Constant(Tensor.Zeros(Shape.Of(2, 4), DType.Float32)));
        var path = ExistingFile();
        var e = Assert.Throws<FuncNetException>(() => Onnx.Export(path, [y], [x]));
        Assert.Contains($"op ScatterAdd (node {y.Id}, shape (2, 4)) with 1 batch dims has no ONNX form", e.Message);
        AssertUnchanged(path);
    }

    [Fact]
    public void AConvolutionFilterGradientIsRefusedAsGradientOnly()
    {
        var x = Expr.Placeholder("x", Shape.Of(2, 1, 5, 5), DType.Float32);
        var w = Expr.Variable("w", Tensor.Zeros(Shape.Of(2, 1, 3, 3), DType.Float32));
        var gradient = Gradients(ReduceSum(Conv2D(x, w)), w)[0];
        var path = ExistingFile();
        var e = Assert.Throws<FuncNetException>(() => Onnx.Export(path, [gradient], [x]));
        Assert.Contains("Conv2DFilterGradient", e.Message);
        Assert.Contains("not gradients", e.Message);
        AssertUnchanged(path);
    }

    [Fact]
    public void AGradientOnlyNodeIsRefusedNamingItAndTheNode()
    {
        var x = Expr.Placeholder("x", Shape.Of(4, 3), DType.Float32);
        var b = Expr.Variable("b", Tensor.Zeros(Shape.Of(3), DType.Float32));
        var gradient = Gradients(ReduceSum(Square(x + b)), b)[0];
        var path = ExistingFile();
        var e = Assert.Throws<FuncNetException>(() => Onnx.Export(path, [gradient], [x]));
        Assert.Contains("SumTo", e.Message);
        Assert.Contains("not gradients", e.Message);
        Assert.Matches(@"node \d+", e.Message);
        AssertUnchanged(path);
    }

    [Fact]
    public void APlaceholderMissingFromTheInputsIsNamed()
    {
        var x = Expr.Placeholder("x", Shape.Of(3), DType.Float32);
        var y = Expr.Placeholder("y", Shape.Of(3), DType.Float32);
        var e = Assert.Throws<FuncNetException>(() => Onnx.ExportToBytes([x + y], ["sum"], [x], v => v.InitialValue));
        Assert.Contains("placeholder 'y'", e.Message);
        Assert.Contains("not among the inputs", e.Message);
    }

    [Fact]
    public void TwoInputsOrOutputsWithOneNameAreRefused()
    {
        var x = Expr.Placeholder("x", Shape.Of(3), DType.Float32);
        var other = Expr.Placeholder("x", Shape.Of(3), DType.Float32);
        var e = Assert.Throws<FuncNetException>(() => Onnx.ExportToBytes([x + other], ["y"], [x, other], v => v.InitialValue));
        Assert.Contains("both named 'x'", e.Message);
        e = Assert.Throws<FuncNetException>(() => Onnx.ExportToBytes([x, Relu(x)], ["y", "y"], [x], v => v.InitialValue));
        Assert.Contains("both named 'y'", e.Message);
    }

    [Fact]
    public void VariablesThatShareANameGetDistinctInitializers()
    {
        // Two layers left unnamed: both variables are called "w", and nothing feeds an initializer by name.
        var x = Expr.Placeholder("x", Shape.Of(-1, 2), DType.Float64);
        var w1 = Expr.Variable("w", Tensor.FromArray(new double[,] { { 1, 0 }, { 0, 1 } }));
        var w2 = Expr.Variable("w", Tensor.FromArray(new double[,] { { 2, 0 }, { 0, 3 } }));
        var model = Onnx.ExportToBytes([MatMul(MatMul(x, w1), w2)], ["y"], [x], v => v.InitialValue);
        Assert.Equal(["w", "w_1"], global::Onnx.ModelProto.Parser.ParseFrom(model).Graph.Initializer.Select(i => i.Name));
        var y = OnnxRuntimeRunner.Run(model, [("x", Tensor.FromArray(new double[,] { { 1, 1 } }))])[0];
        Assert.Equal([2.0, 3.0], y.ToDoubleArray());
    }

    [Fact]
    public void AnInputThatIsNotAPlaceholderIsRefused()
    {
        var w = Expr.Variable("w", Tensor.Zeros(Shape.Of(3), DType.Float32));
        var e = Assert.Throws<FuncNetException>(() => Onnx.ExportToBytes([Relu(w)], ["y"], [w], v => v.InitialValue));
        Assert.Contains("must be a placeholder", e.Message);
    }

    [Fact]
    public void VariablesTakeTheirCurrentValuesFromTheSession()
    {
        var x = Expr.Placeholder("x", Shape.Of(-1, 2), DType.Float64);
        var w = Expr.Variable("w", Tensor.Zeros(Shape.Of(2, 1), DType.Float64));
        using var session = new Session();
        session.Assign(w, Tensor.FromArray(new double[,] { { 2 }, { 3 } }));
        var path = Path.Combine(_dir.FullName, "trained.onnx");
        Onnx.Export(path, [MatMul(x, w)], [x], session);
        var feeds = new[] { ("x", Tensor.FromArray(new double[,] { { 1, 1 } })) };
        Assert.Equal(5.0, OnnxRuntimeRunner.Run(File.ReadAllBytes(path), feeds)[0].ToDoubleArray().Single());
        Assert.Empty(_dir.GetFiles(".*.tmp"));
    }

    [Fact]
    public void AnUnwritablePathIsAFileWriteExceptionNamingIt()
    {
        var x = Expr.Placeholder("x", Shape.Of(3), DType.Float32);
        var e = Assert.Throws<FileWriteException>(() => Onnx.Export(_dir.FullName, [Relu(x)], [x]));
        Assert.Contains(_dir.FullName, e.Message);
    }
}
