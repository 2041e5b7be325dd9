using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace FuncNet.Cli.Tests.Distributed;

/// <summary>
/// Data-parallel training under the real Open MPI: each test launches <c>mpirun --allow-run-as-root
/// --oversubscribe -np 2 dotnet funcnet.dll ...</c>, the built command beside the tests, as a user would
/// (so the launcher, the MPI binding and the command line are all exercised). The tests of one class run one
/// after another, so at most two ranks compete for this machine's cores.
/// </summary>
public sealed partial class DataParallelMpiTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);
    private readonly string _dir = Directory.CreateTempSubdirectory("funcnet-mpi").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [GeneratedRegex(@"final test accuracy (?<a>[0-9.]+)")]
    private static partial Regex FinalAccuracy();

    [MpiTheory]
    [InlineData("sgd")]
    [InlineData("adam")]
    public void TwoRanksOfFloat64SgdAndAdamEqualEachOtherBitwiseAndOneProcessOnTheCombinedBatch(string optimizer)
    {
        string[] check = ["data-parallel-check", "--optimizer", optimizer, "--steps", "20", "--global-batch", "16"];
        var (code, output) = MpiRunner.Run(MpiRunner.Arguments(2, [.. check, "--out", Path.Combine(_dir, "mpi")]), Limit);
        Assert.True(code == 0, output);
        // Without mpirun the same command trains one process on each whole global batch with the plain step.
        var single = CliRunner.Run([.. check, "--out", Path.Combine(_dir, "single")]);
        Assert.True(single.Code == 0, single.Error);
        var untrained = CliRunner.Run([.. check[..^4], "--steps", "0", "--global-batch", "16", "--out", Path.Combine(_dir, "untrained")]);
        Assert.True(untrained.Code == 0, untrained.Error);

        var rank0 = Checkpoint.Read(Path.Combine(_dir, "mpi", "rank0.safetensors")).Tensors;
        var rank1 = Checkpoint.Read(Path.Combine(_dir, "mpi", "rank1.safetensors")).Tensors;
        var reference = Checkpoint.Read(Path.Combine(_dir, "single", "rank0.safetensors")).Tensors;
        var initial = Checkpoint.Read(Path.Combine(_dir, "untrained", "rank0.safetensors")).Tensors;
        Assert.Equal(reference.Keys.Order(), rank0.Keys.Order());
        Assert.Equal(reference.Keys.Order(), rank1.Keys.Order());
        foreach (var name in reference.Keys)
        {
            Assert.Equal(Bits(rank0[name]), Bits(rank1[name]));
            var scale = Math.Max(reference[name].ToDoubleArray().Max(Math.Abs), double.Epsilon);
            var relative = rank0[name].MaxAbsDifference(reference[name]) / scale;
            Assert.True(relative <= 1e-12, $"{name}: 2 ranks vs one process on the combined batch differ by {relative:E2} relative (max-norm)");
        }
        // Training moved the weights, so agreeing means something.
        Assert.True(reference["hidden/kernel"].MaxAbsDifference(initial["hidden/kernel"]) > 1e-3);
        Assert.Equal(LastLoss(single.Output), LastLoss(output), 12);
    }

    [MpiFact]
    public void BatchNormsRunningStatisticsAreEqualOnBothRanksAndAfterOneStepTheRunningMeanIsOneProcesss()
    {
        // After one step from the same weights, the mean of the two equal shards' batch means is the global batch's
        // mean, so the running mean must match one process on the combined batch; the running variance is the
        // ranks' mean of their shard variances (docs/distributed.md), so it must move but differs from one process's.
        string[] check = ["data-parallel-check", "--batch-norm", "--global-batch", "16"];
        var (code, output) = MpiRunner.Run(MpiRunner.Arguments(2, [.. check, "--steps", "1", "--out", Path.Combine(_dir, "mpi1")]), Limit);
        Assert.True(code == 0, output);
        var single = CliRunner.Run([.. check, "--steps", "1", "--out", Path.Combine(_dir, "single1")]);
        Assert.True(single.Code == 0, single.Error);
        var rank0 = Checkpoint.Read(Path.Combine(_dir, "mpi1", "rank0.safetensors")).Tensors;
        var reference = Checkpoint.Read(Path.Combine(_dir, "single1", "rank0.safetensors")).Tensors;
        var mean = rank0["norm/running_mean"];
        Assert.True(mean.ToDoubleArray().Max(Math.Abs) > 1e-4, "the running mean did not move from zero");
        Assert.True(mean.MaxAbsDifference(reference["norm/running_mean"]) <= 1e-12 * mean.ToDoubleArray().Max(Math.Abs),
            $"running mean: 2 ranks [{string.Join(", ", mean.ToDoubleArray())}] vs one process [{string.Join(", ", reference["norm/running_mean"].ToDoubleArray())}]");
        Assert.True(rank0["norm/running_variance"].MaxAbsDifference(Tensor.Ones(Shape.Of(5))) > 1e-4, "the running variance did not move from one");

        // Over several steps, every value (weights, running statistics, optimizer state) stays bitwise equal on both ranks.
        (code, output) = MpiRunner.Run(MpiRunner.Arguments(2, [.. check, "--optimizer", "adam", "--steps", "5", "--out", Path.Combine(_dir, "mpi5")]), Limit);
        Assert.True(code == 0, output);
        var first = Checkpoint.Read(Path.Combine(_dir, "mpi5", "rank0.safetensors")).Tensors;
        var second = Checkpoint.Read(Path.Combine(_dir, "mpi5", "rank1.safetensors")).Tensors;
        Assert.Contains("norm/running_variance", first.Keys);
        Assert.Equal(first.Keys.Order(), second.Keys.Order());
        foreach (var name in first.Keys) { Assert.Equal(Bits(first[name]), Bits(second[name])); }
    }

    [MpiFact(fashionMnist: true)]
    public void FashionMnistMlpForOneEpochOnTwoRanksReachesTheTestAccuracyOfOneProcess()
    {
        // Two ranks of 64 rows make the global batch of 128 that the single process uses.
        string[] common = ["train", "fashion-mnist", "--epochs", "1", "--hidden", "64", "--seed", "3"];
        var (code, output) = MpiRunner.Run(MpiRunner.Arguments(2, [.. common, "--data-parallel", "--batch-size", "64", "--out", Path.Combine(_dir, "mpi")]), Limit);
        Assert.True(code == 0, output);
        var single = CliRunner.Run([.. common, "--batch-size", "128", "--out", Path.Combine(_dir, "single")]);
        Assert.True(single.Code == 0, single.Error);
        var parallel = Accuracy(output);
        var one = Accuracy(single.Output);
        Assert.True(one > 0.75, $"one process reached only {one:P2}");
        Assert.True(Math.Abs(parallel - one) <= 0.005, $"2 ranks {parallel:P2} vs one process {one:P2}");
        // Progress is shown once: only rank 0 prints.
        Assert.Single(Regex.Matches(output, @"epoch  1: train loss"));
    }

    [MpiFact(fashionMnist: true)]
    public void ARankKilledMidTrainingEndsTheJobNamingItAndTheLastCheckpointResumes()
    {
        var checkpoint = Path.Combine(_dir, "model.safetensors");
        string[] train = ["train", "fashion-mnist", "--data-parallel", "--limit", "2000", "--hidden", "32", "--batch-size", "50", "--out", Path.Combine(_dir, "plots")];
        var saved = new ManualResetEventSlim();
        var (mpirun, output) = MpiRunner.Start(MpiRunner.Arguments(2, [.. train, "--epochs", "1000", "--save", checkpoint]), line =>
        {
            if (line.Contains("saved epoch 2", StringComparison.Ordinal)) { saved.Set(); }
        });
        using (mpirun)
        {
            Assert.True(saved.Wait(Limit), $"rank 0 saved no second epoch within {Limit}:\n{output}");
            var victim = RankProcess(mpirun.Id, 1);
            victim.Kill();
            var clock = Stopwatch.StartNew();
            var ended = mpirun.WaitForExit(TimeSpan.FromSeconds(60));
            if (!ended) { mpirun.Kill(true); }
            Assert.True(ended, $"rank 0 still ran 60 s after rank 1 was killed:\n{output}");
            mpirun.WaitForExit();
            Assert.NotEqual(0, mpirun.ExitCode);
            Assert.Matches(@"process rank 1 .*(signal 9|Killed)", output.ToString());
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60));
        }

        var contents = Checkpoint.Read(checkpoint);
        var done = int.Parse(contents.Metadata["epoch"], CultureInfo.InvariantCulture);
        Assert.True(done >= 2, $"expected the checkpoint of epoch 2 or later; it holds epoch {done}");
        Assert.Equal("2", contents.Metadata["ranks"]);
        var (code, resumed) = MpiRunner.Run(MpiRunner.Arguments(2, [.. train, "--epochs", $"{done + 1}", "--resume", checkpoint]), Limit);
        Assert.True(code == 0, resumed);
        Assert.Contains($"resumed from {checkpoint} after epoch {done}", resumed);
        Assert.Contains($"epoch {done + 1,2}: train loss", resumed);
    }

    [MpiFact(fashionMnist: true)]
    public void RanksWhoseModelsDifferFailBeforeTheFirstStepNamingTheVariableAndBothShapes()
    {
        string[] train = ["train", "fashion-mnist", "--data-parallel", "--limit", "500", "--out", Path.Combine(_dir, "plots")];
        // mpirun's MPMD form: rank 0 builds 784-32-10, rank 1 784-16-10.
        List<string> args = ["--allow-run-as-root", "--oversubscribe", "-np", "1", .. MpiRunner.RankArguments([.. train, "--hidden", "32"]),
                             ":", "-np", "1", .. MpiRunner.RankArguments([.. train, "--hidden", "16"])];
        var (code, output) = MpiRunner.Run(args, Limit);
        Assert.NotEqual(0, code);
        const string problem = "variable 'hidden1/kernel' has shape (784, 32) Float32 on rank 0 but (784, 16) Float32 on rank 1";
        Assert.Single(Regex.Matches(output, Regex.Escape(problem)));
        Assert.DoesNotContain("epoch  1:", output);
    }

    [SkippableFact]
    public void DataParallelWithoutMpirunSaysHowToLaunch()
    {
        Skip.If(Backends.Distributed.Collectives.LaunchedByMpirun, "these tests themselves run under mpirun");
        CliRunner.AssertOneLineError(CliRunner.Run("train", "fashion-mnist", "--data-parallel"), 2,
            "not started by mpirun (OMPI_COMM_WORLD_SIZE is not set); launch N ranks with `mpirun -np N funcnet train fashion-mnist --data-parallel");
    }

    [Fact]
    public void DataParallelWithOpenMpiMissingSaysHowToInstallAndLaunch()
    {
        // As if started by mpirun on a machine whose Open MPI is gone.
        // Only the error stream is read (the command fails before printing anything), so reading it cannot deadlock.
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { MpiRunner.Cli, "train", "fashion-mnist", "--data-parallel" }) { start.ArgumentList.Add(a); }
        start.Environment["OMPI_COMM_WORLD_SIZE"] = "2";
        start.Environment["OMPI_COMM_WORLD_RANK"] = "0";
        start.Environment["FUNCNET_MPI_LIBRARY"] = "/nonexistent/libmpi.so.40";
        using var child = Process.Start(start)!;
        var error = child.StandardError.ReadToEnd();
        Assert.True(child.WaitForExit(60_000), "the command did not exit within a minute");
        CliRunner.AssertOneLineError((child.ExitCode, "", error), 1, "Open MPI could not be loaded; tried /nonexistent/libmpi.so.40");
        Assert.Contains("openmpi-bin, libopenmpi-dev", error);
        Assert.Contains("mpirun -np N funcnet train fashion-mnist --data-parallel", error);
    }

    private static long[] Bits(Tensor t) => t.ToDoubleArray().Select(BitConverter.DoubleToInt64Bits).ToArray();

    private static double LastLoss(string output) =>
        double.Parse(output.Split('\n').Last(l => l.StartsWith("step ", StringComparison.Ordinal)).Split("loss ")[1], CultureInfo.InvariantCulture);

    private static double Accuracy(string output)
    {
        var m = FinalAccuracy().Match(output);
        Assert.True(m.Success, $"no final accuracy in:\n{output}");
        return double.Parse(m.Groups["a"].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>The rank process mpirun started as <paramref name="rank"/> (its child with OMPI_COMM_WORLD_RANK set so).</summary>
    private static Process RankProcess(int mpirun, int rank)
    {
        foreach (var dir in Directory.GetDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
                if (parent == mpirun && File.ReadAllText(Path.Combine(dir, "environ")).Split('\0').Contains($"OMPI_COMM_WORLD_RANK={rank}"))
                {
                    return Process.GetProcessById(int.Parse(Path.GetFileName(dir), CultureInfo.InvariantCulture));
                }
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        throw new InvalidOperationException($"mpirun (pid {mpirun}) has no child process of rank {rank}");
    }
}
