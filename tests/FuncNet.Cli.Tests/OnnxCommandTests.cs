using System.Globalization;
using System.Text.RegularExpressions;
using FuncNet.Cli.FashionMnist;
using FuncNet.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace FuncNet.Cli.Tests;

/// <summary><c>train fashion-mnist --export-onnx</c> and <c>eval MODEL.onnx</c>: the exported model scores the same in ONNX Runtime and in FuncNet.</summary>
public sealed partial class OnnxCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("funcnet-onnx-cli").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private string Model => Path.Combine(_dir, "model.onnx");

    private static int CorrectIn(string output)
    {
        var m = CorrectPattern().Match(output);
        Assert.True(m.Success, output);
        return int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"test accuracy [0-9.]+ \((\d+)/\d+ images\)")]
    private static partial Regex CorrectPattern();

    /// <summary>The number of test images ONNX Runtime classifies correctly with the exported model (fed as its input is shaped: [batch, 784] or [batch, 1, 28, 28]).</summary>
    private static int CorrectInOnnxRuntime(string model, LabeledImages test)
    {
        using var session = new InferenceSession(model);
        var correct = 0;
        for (var start = 0; start < test.Count; start += 1000)
        {
            var rows = Enumerable.Range(start, Math.Min(1000, test.Count - start)).ToArray();
            var images = test.Images(rows);
            int[] dims = session.InputMetadata["images"].Dimensions.Length == 4 ? [rows.Length, 1, test.Height, test.Width] : [rows.Length, test.PixelCount];
            var input = NamedOnnxValue.CreateFromTensor("images", new DenseTensor<float>(images.ToFloatArray(), dims));
            using var results = session.Run([input]);
            var probabilities = results.Single(r => r.Name == FashionMnistTrainer.OnnxOutputName).AsTensor<float>();
            for (var i = 0; i < rows.Length; i++)
            {
                var best = Enumerable.Range(0, 10).MaxBy(k => probabilities[i, k]);
                if (best == test.Label(rows[i])) { correct++; }
            }
        }
        return correct;
    }

    [FashionMnistFact]
    public void TheExportedMlpScoresTheSameInOnnxRuntimeAndFuncNet()
    {
        var train = CliRunner.Run("train", "fashion-mnist", "--limit", "2000", "--epochs", "1", "--hidden", "32",
            "--export-onnx", Model, "--out", Path.Combine(_dir, "out"));
        Assert.True(train.Code == 0, train.Error);
        Assert.Contains($"exported the model to {Model}", train.Output);
        var test = Data.FashionMnist.Load(Data.FashionMnist.DefaultDirectory).Test;

        // FuncNet's evaluation of the imported file on the whole test set, image for image what ONNX Runtime gets.
        var eval = CliRunner.Run("eval", Model);
        Assert.True(eval.Code == 0, eval.Error);
        Assert.Equal(CorrectInOnnxRuntime(Model, test), CorrectIn(eval.Output));

        // And on the 2,000 test images the training run scored, the accuracy it reported for its own graph.
        var limited = CliRunner.Run("eval", Model, "--limit", "2000");
        var reported = double.Parse(Regex.Match(train.Output, @"final test accuracy ([0-9.]+)").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.Equal(reported * 2000, CorrectIn(limited.Output), 6);
    }

    [Fact]
    public void ExportAndEvalRunOnATinyDataSet()
    {
        var data = TinyDataSet.Write(Directory.CreateDirectory(Path.Combine(_dir, "data")).FullName, 20);
        var train = CliRunner.Run("train", "fashion-mnist", "--data", data, "--epochs", "1", "--hidden", "4", "--batch-size", "10",
            "--export-onnx", Model, "--out", Path.Combine(_dir, "out"));
        Assert.True(train.Code == 0, train.Error);
        var eval = CliRunner.Run("eval", Model, "--data", data);
        Assert.True(eval.Code == 0, eval.Error);
        var test = Data.FashionMnist.Load(data).Test;
        Assert.Equal(CorrectInOnnxRuntime(Model, test), CorrectIn(eval.Output));
    }

    [Fact]
    public void TheExportedCnnScoresTheSameInOnnxRuntimeAndFuncNetOnATinyDataSet()
    {
        var data = TinyDataSet.Write(Directory.CreateDirectory(Path.Combine(_dir, "data")).FullName, 20);
        var train = CliRunner.Run("train", "fashion-mnist", "--model", "cnn", "--data", data, "--epochs", "1", "--batch-size", "10",
            "--export-onnx", Model, "--out", Path.Combine(_dir, "out"));
        Assert.True(train.Code == 0, train.Error);
        Assert.Contains("input 'images' [batch, 1, 28, 28]", train.Output);
        var eval = CliRunner.Run("eval", Model, "--data", data);
        Assert.True(eval.Code == 0, eval.Error);
        var test = Data.FashionMnist.Load(data).Test;
        Assert.Equal(CorrectInOnnxRuntime(Model, test), CorrectIn(eval.Output));
        // The accuracy the training run reported for its own graph, image for image.
        var reported = double.Parse(Regex.Match(train.Output, @"final test accuracy ([0-9.]+)").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.Equal(reported * test.Count, CorrectIn(eval.Output), 6);
    }

    [FashionMnistFact]
    public void TheExportedCnnScoresTheSameInOnnxRuntimeAndFuncNet()
    {
        var train = CliRunner.Run("train", "fashion-mnist", "--model", "cnn", "--limit", "100", "--epochs", "1", "--batch-size", "50",
            "--export-onnx", Model, "--out", Path.Combine(_dir, "out"));
        Assert.True(train.Code == 0, train.Error);
        var test = Data.FashionMnist.Load(Data.FashionMnist.DefaultDirectory).Test.Take(100);
        var eval = CliRunner.Run("eval", Model, "--limit", "100");
        Assert.True(eval.Code == 0, eval.Error);
        Assert.Equal(CorrectInOnnxRuntime(Model, test), CorrectIn(eval.Output));
        var reported = double.Parse(Regex.Match(train.Output, @"final test accuracy ([0-9.]+)").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.Equal(reported * 100, CorrectIn(eval.Output), 6);
    }

    [Fact]
    public void EvalOfAFileThatIsNotAModelIsOneLine()
    {
        File.WriteAllText(Model, "not a model");
        CliRunner.AssertOneLineError(CliRunner.Run("eval", Model), 1, Model);
    }

    [Fact]
    public void EvalOfAModelThatIsNotAnImageClassifierIsAUsageError()
    {
        var x = Expr.Placeholder("x", Shape.Of(-1, 3), DType.Float32);
        Onnx.Export(Model, [Ops.Relu(x)], [x]);
        CliRunner.AssertOneLineError(CliRunner.Run("eval", Model, "--data", "/nonexistent"), 2, "784 pixels");
    }

    [Fact]
    public void AnUnwritableExportPathFailsBeforeTraining()
    {
        CliRunner.AssertOneLineError(CliRunner.Run("train", "fashion-mnist", "--export-onnx", "/proc/model.onnx", "--data", "/nonexistent"), 2, "--export-onnx");
    }
}
