namespace FuncNet.Cli.FashionMnist;

/// <summary>The options of <c>funcnet train fashion-mnist</c>, validated.</summary>
internal sealed record TrainOptions
{
    public int Epochs { get; init; } = 15;
    public int BatchSize { get; init; } = 128;
    public IReadOnlyList<int> Hidden { get; init; } = [256, 128];
    public double? LearningRate { get; init; }
    public string Optimizer { get; init; } = "adam";

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
    public string DataDirectory { get; init; } = FashionMnistData.DefaultDirectory;
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
        if (!Optimizers.Contains(Optimizer)) { throw new UsageException($"--optimizer: expected one of {string.Join(", ", Optimizers)}; given '{Optimizer}'."); }
        if (Limit is { } n && n < 1) { throw new UsageException($"--limit: expected a positive number of training examples; given {n}."); }
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
