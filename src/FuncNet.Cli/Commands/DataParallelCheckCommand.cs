using System.CommandLine;
using System.Globalization;
using FuncNet.Layers;
using static FuncNet.Ops;

namespace FuncNet.Cli.Commands;

/// <summary>
/// <c>funcnet data-parallel-check --out DIR</c> (hidden): trains a small Float64 MLP (with <c>--batch-norm</c>, a
/// BatchNorm layer after the hidden one) for a few steps on synthetic data and saves each rank's final weights,
/// running statistics and optimizer state to <c>DIR/rank{R}.safetensors</c>.
/// Under <c>mpirun</c> every rank trains its shard of each global batch with <see cref="DataParallelStep"/>;
/// without it, one process trains on the whole global batch with the optimizer's plain step (the reference).
/// The data-parallel tests compare the files.
/// </summary>
internal static class DataParallelCheckCommand
{
    private const int Features = 6;
    private const int Classes = 3;

    public static Command Create(TextWriter output)
    {
        var outDir = new Option<string>("--out") { Description = "Folder for the weights of each rank.", Required = true };
        var optimizerName = new Option<string>("--optimizer") { Description = "sgd or adam.", DefaultValueFactory = _ => "sgd" };
        var steps = new Option<int>("--steps") { Description = "Training steps.", DefaultValueFactory = _ => 20 };
        var globalBatch = new Option<int>("--global-batch") { Description = "Rows per step over all ranks.", DefaultValueFactory = _ => 16 };
        var hidden = new Option<int>("--hidden") { Description = "Hidden units.", DefaultValueFactory = _ => 5 };
        var batchNorm = new Option<bool>("--batch-norm") { Description = "Normalize the hidden layer (BatchNorm 'norm', with running statistics)." };
        var command = new Command("data-parallel-check", "Train a small Float64 model data-parallel and save every rank's weights (for the MPI tests).")
        {
            outDir, optimizerName, steps, globalBatch, hidden, batchNorm,
        };
        command.Hidden = true;
        command.SetAction(parse =>
        {
            var launched = Backends.Distributed.Collectives.LaunchedByMpirun;
            using var collective = launched ? DataParallelLaunch.Join() : new SingleProcessCollective();
            return DataParallelLaunch.OnEveryRank(collective, () =>
            {
                var dir = parse.GetValue(outDir)!;
                var g = parse.GetValue(globalBatch);
                var n = parse.GetValue(steps);
                var x = Expr.Placeholder("x", Shape.Of(-1, Features), DType.Float64);
                var y = Expr.Placeholder("y", Shape.Of(-1, Classes), DType.Float64);
                var layers = new List<ILayer> { new Dense(parse.GetValue(hidden), Tanh, Initializers.GlorotUniform(7), Initializers.Zeros, "hidden") };
                if (parse.GetValue(batchNorm)) { layers.Add(new BatchNorm(0.1, Ops.DefaultNormEpsilon, "norm")); }
                layers.Add(new Dense(Classes, null, Initializers.GlorotUniform(8), Initializers.Zeros, "output"));
                var model = new Sequential(layers);
                var loss = Losses.CategoricalCrossEntropyFromLogits(y, model.Apply(x), Reduction.Mean);
                Optimizer optimizer = parse.GetValue(optimizerName) == "adam" ? new AdamOptimizer(0.01) : new GradientDescentOptimizer(0.5);
                using var session = new Session(FuncNet.Backend.Default);
                var (data, labels) = Synthetic(n * g);
                var parallel = launched ? new DataParallelStep(collective, optimizer, loss) : null;
                var step = parallel is null ? optimizer.Minimize(loss) : null;
                parallel?.Synchronize(session);
                for (var k = 0; k < n; k++)
                {
                    var (start, count) = DataParallelStep.Shard(g, collective.Rank, collective.Size);
                    var feeds = new Dictionary<Expr, Tensor> { [x] = Rows(data, k * g + start, count, Features), [y] = Rows(labels, k * g + start, count, Classes) };
                    var value = parallel is null ? session.Run(step!, feeds).ToScalar() : parallel.Run(session, feeds, count, g);
                    if (collective.Rank == 0) { output.WriteLine($"step {k + 1}: loss {value.ToString("R", CultureInfo.InvariantCulture)}"); }
                }
                Directory.CreateDirectory(dir);
                session.Save(Path.Combine(dir, $"rank{collective.Rank}.safetensors"), [.. model.Variables, .. model.NonTrainableVariables, .. parallel?.SlotVariables ?? step!.SlotVariables]);
                return 0;
            });
        });
        return command;
    }

    /// <summary>Rows of Gaussian features with labels from a fixed linear rule, the same on every rank.</summary>
    private static (double[] Data, double[] Labels) Synthetic(int rows)
    {
        var random = new Random(11);
        var data = new double[rows * Features];
        var labels = new double[rows * Classes];
        for (var i = 0; i < rows; i++)
        {
            var score = new double[Classes];
            for (var j = 0; j < Features; j++)
            {
                var v = random.NextDouble() * 2 - 1;
                data[i * Features + j] = v;
                score[j % Classes] += v * (j + 1);
            }
            labels[i * Classes + Array.IndexOf(score, score.Max())] = 1;
        }
        return (data, labels);
    }

    private static Tensor Rows(double[] values, int first, int count, int width) =>
        Tensor.Create(Shape.Of(count, width), values.AsSpan(first * width, count * width));
}
