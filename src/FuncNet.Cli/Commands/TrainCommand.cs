using FuncNet.Data;
using System.CommandLine;
using FuncNet.Backends;
using FuncNet.Cli.FashionMnist;

namespace FuncNet.Cli.Commands;

/// <summary><c>funcnet train fashion-mnist [options]</c>: an MLP on Fashion-MNIST.</summary>
internal static class TrainCommand
{
    public static Command Create(TextWriter output)
    {
        var defaults = new TrainOptions();
        var cnn = TrainOptions.ForModel("cnn");
        var epochs = new Option<int?>("--epochs") { Description = $"Passes over the training set (default: {defaults.Epochs} for mlp, {cnn.Epochs} for cnn)." };
        var batch = new Option<int>("--batch-size") { Description = "Examples per mini-batch.", DefaultValueFactory = _ => defaults.BatchSize };
        var hidden = new Option<string>("--hidden") { Description = "Hidden layer widths, comma-separated.", DefaultValueFactory = _ => string.Join(",", defaults.Hidden) };
        var lr = new Option<double?>("--lr") { Description = "Learning rate (default: 0.001 for adam, 0.01 for momentum, 0.1 for sgd)." };
        var decay = new Option<double?>("--lr-decay") { Description = FormattableString.Invariant($"Factor the learning rate decays by per epoch (smoothly, step by step; 1 = constant; default: {defaults.LearningRateDecay} for mlp, {cnn.LearningRateDecay} for cnn).") };
        var optimizer = new Option<string>("--optimizer") { Description = "sgd, momentum or adam.", DefaultValueFactory = _ => defaults.Optimizer };
        var seed = new Option<int>("--seed") { Description = "Seed of the initial weights and the shuffling.", DefaultValueFactory = _ => 0 };
        var backend = new Option<string?>("--backend") { Description = $"Backend: {string.Join(", ", BackendSelector.Names)}." };
        var save = new Option<string?>("--save") { Description = "Save weights and optimizer state to this safetensors file after every epoch (atomically)." };
        var resume = new Option<string?>("--resume") { Description = "Continue from a checkpoint written by --save; --epochs counts the total, including the epochs already done." };
        var exportOnnx = new Option<string?>("--export-onnx") { Description = "After training, write the model (images → class probabilities) to this ONNX file, for ONNX Runtime or `funcnet eval`." };
        var data = new Option<string>("--data") { Description = "Folder of the four idx.gz files.", DefaultValueFactory = _ => Data.FashionMnist.DefaultDirectory };
        var outDir = new Option<string>("--out") { Description = "Folder for the PNG plots.", DefaultValueFactory = _ => defaults.OutDirectory };
        var limit = new Option<int?>("--limit") { Description = "Train on the first N examples only (and test on at most N)." };
        var dataParallel = new Option<bool>("--data-parallel") { Description = "Train on every rank of `mpirun -np N funcnet train fashion-mnist --data-parallel`; --batch-size is per rank (see docs/distributed.md)." };
        var model = new Option<string>("--model") { Description = "mlp (ReLU hidden layers of --hidden) or cnn (conv 32 3×3, pool, batch norm, conv 64 3×3, pool, batch norm, dropout 0.25, dense 128, dropout 0.5, dense 10).", DefaultValueFactory = _ => defaults.Model };
        var fashion = new Command("fashion-mnist", "Train an MLP or a CNN on Fashion-MNIST (60,000 28×28 clothing images, 10 classes).")
        {
            model, epochs, batch, hidden, lr, decay, optimizer, seed, backend, save, resume, exportOnnx, data, outDir, limit, dataParallel,
        };
        fashion.SetAction(parse =>
        {
            var modelName = parse.GetValue(model)!.Trim().ToLowerInvariant();
            var modelDefaults = TrainOptions.ForModel(modelName);
            var options = modelDefaults with
            {
                Epochs = parse.GetValue(epochs) ?? modelDefaults.Epochs,
                BatchSize = parse.GetValue(batch),
                Hidden = TrainOptions.ParseHidden(parse.GetValue(hidden)!),
                LearningRate = parse.GetValue(lr),
                LearningRateDecay = parse.GetValue(decay) ?? modelDefaults.LearningRateDecay,
                Optimizer = parse.GetValue(optimizer)!.Trim().ToLowerInvariant(),
                Seed = parse.GetValue(seed),
                Backend = parse.GetValue(backend),
                SavePath = parse.GetValue(save),
                ResumePath = parse.GetValue(resume),
                ExportOnnxPath = parse.GetValue(exportOnnx),
                DataDirectory = parse.GetValue(data)!,
                OutDirectory = parse.GetValue(outDir)!,
                Limit = parse.GetValue(limit),
                DataParallel = parse.GetValue(dataParallel),
            };
            options.Validate();
            OutputFolder.Prepare("--out", options.OutDirectory);
            if (options.SavePath is { } savePath) { CheckSavable("--save", savePath); }
            if (options.ExportOnnxPath is { } onnxPath) { CheckSavable("--export-onnx", onnxPath); }
            using var collective = options.DataParallel ? DataParallelLaunch.Join() : new SingleProcessCollective();
            return DataParallelLaunch.OnEveryRank(collective, () =>
            {
                var resolved = Program.ResolveBackend(options.Backend);
                var (train, test) = Data.FashionMnist.Load(options.DataDirectory);
                if (options.Limit is { } n) { (train, test) = (train.Take(n), test.Take(n)); }
                // Before the model is built: the batch size against the data, then the memory the run needs.
                options.CheckBatchSize(train.Count);
                options.CheckMemory(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
                // Only rank 0 shows progress, plots and saves; the others train silently beside it.
                var shown = collective.Rank == 0 ? output : TextWriter.Null;
                var result = FashionMnistTrainer.Train(options, train, test, resolved, collective, shown);
                if (collective.Rank == 0) { Report(result, options, output); }
                return 0;
            });
        });
        return new Command("train", "Train a model on a data set.") { fashion };
    }

    /// <summary>Fails now, not after training, when --save or --export-onnx names a place a file cannot be written.</summary>
    private static void CheckSavable(string option, string path)
    {
        try
        {
            Checkpoint.CheckWritable(path);
        }
        catch (FileWriteException e)
        {
            throw new UsageException($"{option}: {e.Message}");
        }
    }

    private static void Report(FashionMnistResult result, TrainOptions options, TextWriter output)
    {
        var last = result.Epochs[^1];
        output.WriteLine($"final test accuracy {last.TestAccuracy:F4}; {result.Epochs.Average(e => e.Seconds):F1} s per epoch on the {result.Backend} backend");
        output.WriteLine("confusion matrix (rows: true class, columns: predicted):");
        output.WriteLine(new string(' ', 12) + string.Concat(Enumerable.Range(0, 10).Select(j => $"{j,6}")));
        for (var i = 0; i < 10; i++)
        {
            output.WriteLine($"{i} {Data.FashionMnist.ClassNames[i],-10}" + string.Concat(Enumerable.Range(0, 10).Select(j => $"{result.Confusion[i, j],6}")));
        }
        var epochsList = result.Epochs;
        foreach (var path in new[]
        {
            Plotting.Plots.Save(options.OutDirectory, "loss.png", output, plot => Plotting.Plots.Curves(plot, "Fashion-MNIST loss", "epoch", "cross-entropy",
                [("train", epochsList.Select(e => e.TrainLoss).ToArray()), ("test", epochsList.Select(e => e.TestLoss).ToArray())], 1, logScale: true)),
            Plotting.Plots.Save(options.OutDirectory, "accuracy.png", output, plot => Plotting.Plots.Curves(plot, "Fashion-MNIST accuracy", "epoch", "accuracy",
                [("train", epochsList.Select(e => e.TrainAccuracy).ToArray()), ("test", epochsList.Select(e => e.TestAccuracy).ToArray())], 1, logScale: false)),
        })
        {
            if (path is not null) { output.WriteLine($"plot: {path}"); }
        }
    }
}
