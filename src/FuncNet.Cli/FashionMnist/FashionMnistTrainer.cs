using System.Diagnostics;
using System.Globalization;
using FuncNet.Data;
using FuncNet.Layers;
using Spectre.Console;
using static FuncNet.Ops;

namespace FuncNet.Cli.FashionMnist;

/// <summary>Per-epoch numbers of a Fashion-MNIST run.</summary>
internal sealed record EpochResult(int Epoch, double TrainLoss, double TrainAccuracy, double TestLoss, double TestAccuracy, double Seconds, double ExamplesPerSecond);

/// <summary>The result of a whole run: per-epoch numbers and the test confusion matrix (rows true class, columns predicted).</summary>
internal sealed record FashionMnistResult(IReadOnlyList<EpochResult> Epochs, int[,] Confusion, string Backend);

/// <summary>
/// An MLP (ReLU hidden layers, softmax output) trained on Fashion-MNIST with mini-batch SGD, momentum or
/// Adam, in Float32. Training loss is the mean of the epoch's batch losses; training accuracy is measured
/// after each epoch on (at most) 10,000 training examples; test numbers on the whole (or limited) test set.
/// With <see cref="TrainOptions.DataParallel"/>, every rank of the collective runs this: each step's global
/// batch of ranks × batch size rows (the same shuffle on every rank) is split into one shard per rank, and a
/// <see cref="DataParallelStep"/> keeps the ranks' weights identical; only rank 0 evaluates and saves.
/// </summary>
internal static class FashionMnistTrainer
{
    private const int EvaluationBatch = 1000;

    public static FashionMnistResult Train(TrainOptions options, LabeledImages train, LabeledImages test, IBackend backend, ICollective collective, TextWriter output)
    {
        options.CheckBatchSize(train.Count);
        var cnn = options.Model == "cnn";
        var x = cnn
            ? Expr.Placeholder("images", Shape.Of(-1, 1, train.Height, train.Width), DType.Float32)
            : Expr.Placeholder("images", Shape.Of(-1, train.PixelCount), DType.Float32);
        var y = Expr.Placeholder("labels", Shape.Of(-1, 10), DType.Float32);
        var ranks = options.DataParallel ? collective.Size : 1;
        var globalBatch = options.GlobalBatch(ranks);
        // Dropout draws its masks in the batch's shape, known when the graph is built: the CNN trains on full
        // batches of --batch-size rows per rank and drops an epoch's last partial batch (PyTorch's drop_last).
        var xTrain = cnn ? Expr.Placeholder("train_images", Shape.Of(options.BatchSize, 1, train.Height, train.Width), DType.Float32) : x;
        // The library's seeded order: epoch e's batches depend only on the seed and e, so a resumed run sees the same ones.
        var order = new BatchOrder(train.Count, globalBatch, options.Seed, dropLast: cnn);
        var stepsPerEpoch = cnn ? order.BatchesPerEpoch : options.BatchesPerEpoch(train.Count, ranks);
        // The dropout masks' key advances with every step and is saved with the weights, so a resumed run draws the same masks.
        var dropoutKeys = cnn ? new RandomKeyStream("cnn/dropout_key", options.Seed) : null;
        var model = dropoutKeys is null ? Mlp(options) : Cnn(options.Seed, dropoutKeys);
        Tensor Images(LabeledImages split, int[] rows) => cnn ? split.ImagesNchw(rows) : split.Images(rows);
        var loss = Losses.CategoricalCrossEntropyFromLogits(y, model.Apply(xTrain, training: true), Reduction.Mean);
        // Evaluation and export use the inference graph: no dropout, batch norm from its running statistics.
        var logits = model.Apply(x, training: false);
        var lossSum = Losses.CategoricalCrossEntropyFromLogits(y, logits, Reduction.Sum);
        var predicted = ArgMax(logits, 1);
        var rate = new ExponentialDecay(options.EffectiveLearningRate, options.LearningRateDecay, Math.Max(1, stepsPerEpoch));
        Optimizer optimizer = options.Optimizer switch
        {
            "sgd" => new GradientDescentOptimizer(rate),
            "momentum" => new MomentumOptimizer(rate, 0.9, false),
            _ => new AdamOptimizer(rate),
        };
        var parallel = options.DataParallel ? new DataParallelStep(collective, optimizer, loss) : null;
        var step = parallel is null ? optimizer.Minimize(loss) : null;
        using var session = new Session(backend);
        // Weights and optimizer state (moments, step count) together: a resumed run continues exactly.
        Expr[] state = [.. model.Variables, .. model.NonTrainableVariables, .. parallel?.SlotVariables ?? step!.SlotVariables, .. dropoutKeys is null ? [] : new[] { dropoutKeys.Key }];
        var firstEpoch = 1;
        // Rank 0 restores (the checkpoint need only be on its machine); Synchronize copies its state to all.
        if (options.ResumePath is { } resume && collective.Rank == 0)
        {
            firstEpoch = Resume(session, state, resume, options, ranks) + 1;
            output.WriteLine($"resumed from {resume} after epoch {firstEpoch - 1}");
        }
        if (parallel is not null)
        {
            firstEpoch = int.Parse(collective.Broadcast(firstEpoch.ToString(CultureInfo.InvariantCulture), 0), CultureInfo.InvariantCulture);
            parallel.Synchronize(session);
        }

        output.WriteLine($"{(cnn ? CnnDescription : $"MLP 784-{string.Join("-", options.Hidden)}-10")}, {optimizer.Name} lr {options.EffectiveLearningRate} (×{options.LearningRateDecay} per epoch), batch {options.BatchSize}, " +
            $"{options.Epochs} epochs, {train.Count} training / {test.Count} test examples, seed {options.Seed}, backend {backend.Name}" +
            (parallel is null ? "" : $", data-parallel on {ranks} ranks ({collective.Name}, global batch {globalBatch})"));
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        var interactive = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && console.Profile.Capabilities.Interactive;
        var batches = stepsPerEpoch;
        var trainProbe = train.Take(10_000);
        var epochs = new List<EpochResult>();
        int[,] confusion = new int[10, 10];
        for (var epoch = firstEpoch; epoch <= options.Epochs; epoch++)
        {
            var epochBatches = order.Epoch(epoch);
            var clock = Stopwatch.StartNew();
            var lossTotal = 0.0;
            var rowsSeen = epochBatches.Take(batches).Sum(b => b.Length);
            void RunBatches(Action<int, double>? progress)
            {
                for (var k = 0; k < batches; k++)
                {
                    var global = epochBatches[k];
                    var (start, count) = DataParallelStep.Shard(global.Length, collective.Rank, ranks);
                    var shard = global[start..(start + count)];
                    var (bx, by) = (Images(train, shard), train.OneHotLabels(shard));
                    var batchLoss = parallel is null
                        ? session.Run(step!, (xTrain, bx), (y, by)).ToScalar()
                        : parallel.Run(session, new Dictionary<Expr, Tensor> { [xTrain] = bx, [y] = by }, count, global.Length);
                    if (!double.IsFinite(batchLoss))
                    {
                        throw new NumericsException($"Epoch {epoch}, batch {k + 1}: the loss is {batchLoss}; lower --lr (now {options.EffectiveLearningRate}).");
                    }
                    lossTotal += batchLoss * global.Length;
                    progress?.Invoke(k, batchLoss);
                }
            }
            if (interactive)
            {
                console.Progress().AutoClear(true).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .Start(ctx =>
                    {
                        var task = ctx.AddTask($"epoch {epoch}", maxValue: batches);
                        RunBatches((k, l) =>
                        {
                            var rate = (k + 1) * (double)globalBatch / clock.Elapsed.TotalSeconds;
                            task.Description = $"epoch {epoch}/{options.Epochs}  loss {l:F4}  {rate:F0} ex/s";
                            task.Increment(1);
                        });
                    });
            }
            else
            {
                RunBatches(null);
            }
            var seconds = clock.Elapsed.TotalSeconds;
            if (collective.Rank != 0 && parallel is not null) { continue; }
            var (_, trainAccuracy, _) = Evaluate(session, x, y, lossSum, predicted, trainProbe, Images);
            var (testLoss, testAccuracy, matrix) = Evaluate(session, x, y, lossSum, predicted, test, Images);
            confusion = matrix;
            var result = new EpochResult(epoch, lossTotal / rowsSeen, trainAccuracy, testLoss, testAccuracy, seconds, train.Count / seconds);
            epochs.Add(result);
            output.WriteLine($"epoch {epoch,2}: train loss {result.TrainLoss:F4} acc {result.TrainAccuracy:F4} | test loss {result.TestLoss:F4} acc {result.TestAccuracy:F4} | {seconds:F1} s, {result.ExamplesPerSecond:F0} ex/s");
            if (options.SavePath is { } path)
            {
                // After every epoch, atomically: an interrupted run loses at most the epoch in progress.
                session.Save(path, state, Metadata(options, epoch, ranks));
                output.WriteLine($"saved epoch {epoch} to {path}");
            }
        }
        if (options.ExportOnnxPath is { } onnx && collective.Rank == 0)
        {
            Onnx.Export(onnx, [Softmax(logits)], [OnnxOutputName], [x], session.GetValue);
            output.WriteLine($"exported the model to {onnx} (ONNX opset {Onnx.Opset}: input 'images' [{string.Join(", ", x.Shape.Select(d => d == Shape.Unknown ? "batch" : d.ToString(CultureInfo.InvariantCulture)))}] float32 in [0, 1], output '{OnnxOutputName}' [batch, 10])");
        }
        return new FashionMnistResult(epochs, confusion, backend.Name);
    }

    /// <summary>The name of the exported model's output.</summary>
    public const string OnnxOutputName = "probabilities";

    /// <summary>ReLU hidden layers of --hidden (He-uniform), then 10 logits (Glorot-uniform).</summary>
    private static Sequential Mlp(TrainOptions options) => new(options.Hidden
        .Select((h, i) => (ILayer)new Dense(h, Relu, Initializers.HeUniform(options.Seed * 31 + i), Initializers.Zeros, $"hidden{i + 1}"))
        .Append(new Dense(10, null, Initializers.GlorotUniform(options.Seed * 31 + options.Hidden.Count), Initializers.Zeros, "output"))
        .ToArray());

    /// <summary>
    /// The W6 network of bench/pytorch_reference.py's <c>cnn</c>, exactly: conv 1→32 3 × 3 (valid), ReLU,
    /// max-pool 2 × 2, conv 32→64 3 × 3, ReLU, max-pool 2 × 2, flatten (1600), dense 128 with ReLU, dense 10.
    /// The benchmark's network; <c>--model cnn</c> trains <see cref="Cnn"/>.
    /// </summary>
    internal static Sequential W6Cnn(int seed) => new(
        new Conv2D(32, 3, 3, Conv2DOptions.Default, Relu, seed * 31, null), new MaxPool2D(2),
        new Conv2D(64, 3, 3, Conv2DOptions.Default, Relu, seed * 31 + 1, null), new MaxPool2D(2),
        new Flatten(),
        new Dense(128, Relu, Initializers.HeUniform(seed * 31 + 2), Initializers.Zeros, "hidden"),
        new Dense(10, null, Initializers.GlorotUniform(seed * 31 + 3), Initializers.Zeros, "output"));

    /// <summary>How the run's header names <see cref="Cnn"/>.</summary>
    internal const string CnnDescription = "CNN conv32-pool-bn-conv64-pool-bn-drop0.25-128-drop0.5-10";

    /// <summary>
    /// <c>--model cnn</c>: <see cref="W6Cnn"/> with the same weights' initialization, regularized: a batch norm
    /// after each pooling, dropout 0.25 on the flattened features and 0.5 before the output layer (masks from
    /// <paramref name="dropoutKeys"/>), around the dense layer where nine tenths of the weights are. The plain
    /// W6 network overfits Fashion-MNIST (train accuracy 0.96, test 0.915 after 15 epochs); dropout 0.25 after
    /// each pooling slowed learning so much that 15 epochs of the decaying rate were too few (0.901 after 7);
    /// dropout 0.5 alone reached 0.917 (train 0.976); this one 0.9176 in 15 epochs and 0.922 in its default 20
    /// at a slower decay (<see cref="TrainOptions.ForModel"/>; every run is in docs/performance.md). Batch
    /// norm after the pooling costs a quarter of one after the convolution.
    /// </summary>
    internal static Sequential Cnn(int seed, RandomKeyStream dropoutKeys)
    {
        var w6 = W6Cnn(seed).Layers; // conv, pool, conv, pool, flatten, dense 128, dense 10
        return new(w6[0], w6[1], new BatchNorm(), w6[2], w6[3], new BatchNorm(),
            w6[4], new Dropout(0.25, dropoutKeys), w6[5], new Dropout(0.5, dropoutKeys), w6[6]);
    }

    /// <summary>What a checkpoint records besides the tensors: enough to check that a resumed run trains the same model.</summary>
    private static Dictionary<string, string> Metadata(TrainOptions options, int epoch, int ranks) => new()
    {
        ["funcnet.model"] = $"fashion-mnist-{options.Model}",
        ["epoch"] = epoch.ToString(CultureInfo.InvariantCulture),
        ["hidden"] = string.Join(",", options.Hidden),
        ["optimizer"] = options.Optimizer,
        ["seed"] = options.Seed.ToString(CultureInfo.InvariantCulture),
        ["ranks"] = ranks.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Restores weights and optimizer state; returns the number of epochs the checkpoint had completed.</summary>
    private static int Resume(Session session, IReadOnlyList<Expr> state, string path, TrainOptions options, int ranks)
    {
        var saved = Checkpoint.Read(path).Metadata;
        string Saved(string key) => saved.TryGetValue(key, out var v) ? v : "(none)";
        if (!Saved("funcnet.model").StartsWith("fashion-mnist-", StringComparison.Ordinal) || !int.TryParse(Saved("epoch"), CultureInfo.InvariantCulture, out var done))
        {
            throw new CorruptFileException($"--resume {path}: expected a checkpoint written by `funcnet train fashion-mnist --save`; its metadata has no model and epoch.");
        }
        if (Saved("funcnet.model") != $"fashion-mnist-{options.Model}")
        {
            throw new UsageException($"--resume {path}: the checkpoint is of a {Saved("funcnet.model")} model; given --model {options.Model}.");
        }
        var hidden = string.Join(",", options.Hidden);
        if (Saved("hidden") != hidden || Saved("optimizer") != options.Optimizer)
        {
            throw new UsageException($"--resume {path}: the checkpoint is of --hidden {Saved("hidden")} --optimizer {Saved("optimizer")}; given --hidden {hidden} --optimizer {options.Optimizer}.");
        }
        // The data order of a step depends on the global batch, so a run resumes on as many ranks as it ran on.
        var savedRanks = saved.TryGetValue("ranks", out var r) ? r : "1";
        if (savedRanks != ranks.ToString(CultureInfo.InvariantCulture))
        {
            throw new UsageException($"--resume {path}: the checkpoint was written by a run on {savedRanks} rank(s); given {ranks}. Resume with `mpirun -np {savedRanks} ... --data-parallel` (or without mpirun for 1).");
        }
        if (done >= options.Epochs)
        {
            throw new UsageException($"--resume {path}: the checkpoint has completed {done} epoch(s); --epochs is the total, so expected more than {done}; given {options.Epochs}.");
        }
        session.Restore(path, state);
        return done;
    }

    /// <summary>Mean loss, accuracy and confusion matrix over a split, in batches.</summary>
    private static (double Loss, double Accuracy, int[,] Confusion) Evaluate(Session session, Expr x, Expr y, Expr lossSum, Expr predicted, LabeledImages split, Func<LabeledImages, int[], Tensor> images)
    {
        var confusion = new int[10, 10];
        var total = 0.0;
        var correct = 0;
        for (var start = 0; start < split.Count; start += EvaluationBatch)
        {
            var rows = Enumerable.Range(start, Math.Min(EvaluationBatch, split.Count - start)).ToArray();
            var (bx, by) = (images(split, rows), split.OneHotLabels(rows));
            var r = session.Run([lossSum, predicted], (x, bx), (y, by));
            total += r[0].ToScalar();
            var classes = r[1].ToIntArray();
            for (var i = 0; i < rows.Length; i++)
            {
                var truth = split.Label(rows[i]);
                confusion[truth, classes[i]]++;
                if (truth == classes[i]) { correct++; }
            }
        }
        return (total / split.Count, (double)correct / split.Count, confusion);
    }

}
