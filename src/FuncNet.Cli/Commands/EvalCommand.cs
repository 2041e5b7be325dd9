using System.CommandLine;
using FuncNet.Data;
using FuncNet.Cli.FashionMnist;

namespace FuncNet.Cli.Commands;

/// <summary>
/// <c>funcnet eval MODEL.onnx</c>: imports an ONNX classifier into FuncNet and measures its accuracy on the
/// Fashion-MNIST test set, so a model trained anywhere (or exported by <c>train --export-onnx</c>) is scored
/// by FuncNet's own evaluation.
/// </summary>
internal static class EvalCommand
{
    private const int Batch = 1000;

    public static Command Create(TextWriter output)
    {
        var model = new Argument<string>("model") { Description = "The ONNX file: one float input of [batch, 784] or [batch, 1, 28, 28] pixels in [0, 1], its first output 10 class scores." };
        var data = new Option<string>("--data") { Description = "Folder of the four idx.gz files.", DefaultValueFactory = _ => Data.FashionMnist.DefaultDirectory };
        var limit = new Option<int?>("--limit") { Description = "Evaluate the first N test images only." };
        var backend = new Option<string?>("--backend") { Description = "Backend to evaluate on (see `funcnet train fashion-mnist --help`)." };
        var command = new Command("eval", "Evaluate an ONNX model on the Fashion-MNIST test set through FuncNet.") { model, data, limit, backend };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(model)!;
            if (parse.GetValue(limit) is < 1) { throw new UsageException($"--limit: expected a positive number of test images; given {parse.GetValue(limit)}."); }
            var graph = Onnx.Import(path);
            var (input, scores) = Classifier(graph, path);
            var resolved = Program.ResolveBackend(parse.GetValue(backend));
            var test = Data.FashionMnist.Load(parse.GetValue(data)!).Test;
            if (parse.GetValue(limit) is { } n) { test = test.Take(n); }
            var correct = Correct(input, scores, test, resolved);
            output.WriteLine($"{path}: test accuracy {(double)correct / test.Count:F4} ({correct}/{test.Count} images) on the {resolved.Name} backend");
            return 0;
        });
        return command;
    }

    /// <summary>The model's image input and its class scores, checked to be a Fashion-MNIST classifier.</summary>
    private static (Expr Input, Expr Scores) Classifier(OnnxGraph graph, string path)
    {
        if (graph.Inputs.Count != 1 || graph.Inputs[0].DType != DType.Float32)
        {
            throw new UsageException($"{path}: expected one Float32 input (the images); the model has {string.Join(", ", graph.Inputs.Select(i => $"'{i.Name}' {i.Shape} {i.DType}"))}.");
        }
        var input = graph.Inputs[0];
        var pixels = input.Shape.Skip(1).Aggregate(1L, (p, d) => p * d);
        if (input.Rank < 2 || pixels != 28 * 28)
        {
            throw new UsageException($"{path}: expected the input '{input.Name}' to hold 784 pixels per image ([batch, 784] or [batch, 1, 28, 28]); it has shape {input.Shape}.");
        }
        var scores = graph.Outputs[0];
        if (scores.Rank != 2 || scores.Shape[1] != 10)
        {
            throw new UsageException($"{path}: expected the first output '{graph.OutputNames[0]}' to hold 10 class scores per image; it has shape {scores.Shape}.");
        }
        return (input, scores);
    }

    private static int Correct(Expr input, Expr scores, LabeledImages test, IBackend backend)
    {
        var predicted = Ops.ArgMax(scores, 1);
        using var session = new Session(backend);
        var correct = 0;
        var rows = Enumerable.Range(0, test.Count).ToArray();
        for (var start = 0; start < test.Count; start += Batch)
        {
            var batch = rows.AsSpan(start, Math.Min(Batch, test.Count - start));
            var images = test.Images(batch.ToArray());
            var shaped = images.Reshape(Shape.Of([batch.Length, .. input.Shape.Skip(1)]));
            var classes = session.Run(predicted, (input, shaped)).ToIntArray();
            for (var i = 0; i < batch.Length; i++)
            {
                if (classes[i] == test.Label(batch[i])) { correct++; }
            }
        }
        return correct;
    }
}
