using FuncNet.Data;

namespace FuncNet.Cli.FashionMnist;

/// <summary>The options of <c>funcnet train fashion-mnist</c>, validated.</summary>
internal sealed record TrainOptions
{
    public int Epochs { get; init; } = 15;
    public int BatchSize { get; init; } = 128;
    public IReadOnlyList<int> Hidden { get; init; } = [256, 128];
    public double? LearningRate { get; init; }
    public string Optimizer { get; init; } = "adam";

    /// <summary>"mlp" (the default: ReLU hidden layers of --hidden) or "cnn" (the W6 network, two 3 × 3 convolutions with max pooling, then 128 and 10 units, with batch norm after each pooling and dropout before the output).</summary>
    public string Model { get; init; } = "mlp";

    public static readonly string[] Models = ["mlp", "cnn"];

    /// <summary>
    /// The defaults for a model: the MLP's (15 epochs, the rate × 0.85 per epoch) for <c>mlp</c> and any name
    /// <see cref="Validate"/> will refuse; the CNN's dropout learns more slowly, and it trains 20 epochs with
    /// the rate × 0.9 per epoch (docs/performance.md has the runs that chose this: 15 epochs at × 0.85 stopped at
    /// 0.9176 test accuracy, 20 at × 0.9 reached 0.922).
    /// </summary>
    public static TrainOptions ForModel(string model) =>
        model == "cnn" ? new TrainOptions { Model = model, Epochs = 20, LearningRateDecay = 0.9 } : new TrainOptions { Model = model };

    /// <summary>
    /// The factor the learning rate is multiplied by per epoch, applied smoothly step by step (the theory
    /// chapter recommends decaying the rate); 1 keeps it constant. Per epoch rather than per run, so that a
    /// resumed run follows exactly the schedule of an uninterrupted one.
    /// </summary>
    public double LearningRateDecay { get; init; } = 0.85;
    public int Seed { get; init; }
    public string? Backend { get; init; }
    public string? SavePath { get; init; }
    public string? ResumePath { get; init; }

    /// <summary>Where to write the trained model as ONNX (images → class probabilities), or null.</summary>
    public string? ExportOnnxPath { get; init; }
    public string DataDirectory { get; init; } = Data.FashionMnist.DefaultDirectory;
    public string OutDirectory { get; init; } = Path.Combine("out", "fashion-mnist");
    public int? Limit { get; init; }

    /// <summary>
    /// Train on every rank of an <c>mpirun</c> job: --batch-size is per rank, so a step's global batch is
    /// ranks × batch size (see docs/distributed.md).
    /// </summary>
    public bool DataParallel { get; init; }

    public static readonly string[] Optimizers = ["sgd", "momentum", "adam"];

    /// <summary>The learning rate given, or the optimizer's usual one.</summary>
    public double EffectiveLearningRate => LearningRate ?? (Optimizer == "adam" ? 0.001 : Optimizer == "momentum" ? 0.01 : 0.1);

    /// <summary>Throws a usage error naming the first invalid value.</summary>
    public void Validate()
    {
        if (Epochs < 1) { throw new UsageException($"--epochs: expected a positive integer; given {Epochs}."); }
        if (BatchSize < 1) { throw new UsageException($"--batch-size: expected a positive integer; given {BatchSize}."); }
        if (Hidden.Count == 0 || Hidden.Any(h => h < 1)) { throw new UsageException($"--hidden: expected positive layer widths such as 256,128; given {string.Join(",", Hidden)}."); }
        if (LearningRate is { } lr && !(double.IsFinite(lr) && lr > 0)) { throw new UsageException($"--lr: expected a positive number; given {lr}."); }
        if (!(double.IsFinite(LearningRateDecay) && LearningRateDecay > 0 && LearningRateDecay <= 1)) { throw new UsageException($"--lr-decay: expected a factor in (0, 1]; given {LearningRateDecay}."); }
        if (!Models.Contains(Model)) { throw new UsageException($"--model: expected one of {string.Join(", ", Models)}; given '{Model}'."); }
        if (!Optimizers.Contains(Optimizer)) { throw new UsageException($"--optimizer: expected one of {string.Join(", ", Optimizers)}; given '{Optimizer}'."); }
        if (Limit is { } n && n < 1) { throw new UsageException($"--limit: expected a positive number of training examples; given {n}."); }
        if (string.IsNullOrWhiteSpace(OutDirectory)) { throw new UsageException("--out: expected a folder for the plots; given an empty path."); }
        if (SavePath is { } save && string.IsNullOrWhiteSpace(save)) { throw new UsageException("--save: expected a checkpoint file path; given an empty path."); }
        if (ResumePath is { } resume && string.IsNullOrWhiteSpace(resume)) { throw new UsageException("--resume: expected a checkpoint file path; given an empty path."); }
        if (ExportOnnxPath is { } onnx && string.IsNullOrWhiteSpace(onnx)) { throw new UsageException("--export-onnx: expected an .onnx file path; given an empty path."); }
        CheckLayerSizes();
    }

    /// <summary>The layer widths in order: the 784 pixels, the hidden layers, the 10 classes.</summary>
    private IEnumerable<int> Widths => [784, .. Hidden, 10];

    /// <summary>Throws a usage error when a weight matrix has more elements than a tensor holds.</summary>
    private void CheckLayerSizes()
    {
        var widths = Widths.ToArray();
        for (var i = 1; i < widths.Length; i++)
        {
            var weights = (long)widths[i - 1] * widths[i];
            if (weights > Array.MaxLength)
            {
                throw new UsageException($"--hidden {string.Join(",", Hidden)}: layer {i} would be {widths[i - 1]} × {widths[i]} = {weights} weights; a tensor holds at most {Array.MaxLength}.");
            }
        }
    }

    /// <summary>
    /// A lower bound on the memory a run needs, in bytes: per parameter (Float32) its value, its gradient
    /// and the optimizer's slots (momentum one, Adam two), and per example of the largest batch (training or
    /// the 1,000-example evaluation batch) each layer's activations, their gradients and the ReLU masks.
    /// Doubles, so no width or batch size can overflow it.
    /// </summary>
    public double EstimatedBytes()
    {
        var widths = Widths.ToArray();
        var parameters = 0.0;
        for (var i = 1; i < widths.Length; i++) { parameters += ((double)widths[i - 1] + 1) * widths[i]; }
        var copies = 2 + (Optimizer == "adam" ? 2 : Optimizer == "momentum" ? 1 : 0);
        var examples = Math.Max(BatchSize, 1000.0);
        return 4.0 * (parameters * copies + examples * widths.Sum(w => (double)w) * 3);
    }

    /// <summary>Throws a usage error, before anything is allocated, when the run cannot fit in <paramref name="availableBytes"/>.</summary>
    public void CheckMemory(long availableBytes)
    {
        var needed = EstimatedBytes();
        if (needed > availableBytes)
        {
            throw new UsageException($"--hidden {string.Join(",", Hidden)} --batch-size {BatchSize}: the run needs at least {needed / 1e9:F1} GB of memory " +
                $"(weights, gradients and {Optimizer} state, and activations); {availableBytes / 1e9:F1} GB is available. Use narrower layers or a smaller batch.");
        }
    }

    /// <summary>Throws a usage error when a batch is larger than the training set it would be drawn from.</summary>
    public void CheckBatchSize(int trainingExamples)
    {
        if (BatchSize > trainingExamples)
        {
            throw new UsageException($"--batch-size: expected at most the {trainingExamples} training examples{(Limit is null ? "" : " (after --limit)")}; given {BatchSize}.");
        }
    }

    /// <summary>The rows of one step over all <paramref name="ranks"/> (ranks × --batch-size), checked to fit an index.</summary>
    public int GlobalBatch(int ranks)
    {
        var global = (long)BatchSize * ranks;
        return global <= int.MaxValue
            ? (int)global
            : throw new UsageException($"--batch-size: {BatchSize} rows on each of {ranks} ranks make a global batch of {global} rows; expected at most {int.MaxValue}.");
    }

    /// <summary>
    /// The number of global mini-batches in an epoch of <paramref name="examples"/> over <paramref name="ranks"/>:
    /// a ceiling division in 64-bit arithmetic. A last global batch of fewer rows than ranks would leave a rank
    /// without data, so it is dropped.
    /// </summary>
    public int BatchesPerEpoch(int examples, int ranks = 1)
    {
        long global = GlobalBatch(ranks);
        var batches = (examples + global - 1) / global;
        if (batches > 0 && examples - (batches - 1) * global < ranks) { batches--; }
        return batches >= 1
            ? (int)batches
            : throw new UsageException($"--data-parallel: expected at least one example per rank; given {examples} training examples for {ranks} ranks.");
    }

    /// <summary>Parses "256,128" into widths; throws a usage error otherwise.</summary>
    public static IReadOnlyList<int> ParseHidden(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var widths = new List<int>();
        foreach (var p in parts)
        {
            if (!int.TryParse(p, out var w) || w < 1)
            {
                throw new UsageException($"--hidden: expected comma-separated positive layer widths such as 256,128; given '{text}'.");
            }
            widths.Add(w);
        }
        return widths.Count > 0 ? widths : throw new UsageException($"--hidden: expected at least one layer width such as 256,128; given '{text}'.");
    }
}
