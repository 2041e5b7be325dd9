using FuncNet.Data;
using FuncNet.Cli.FashionMnist;

namespace FuncNet.Cli.Tests;

/// <summary>The idx loader on small synthetic files, each broken in one way, and a short training run on the real files.</summary>
public class FashionMnistDataTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("funcnet-idx").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    /// <summary>A valid tiny data set of n images per split, then one file replaced by <paramref name="breakIt"/>'s bytes.</summary>
    private void Write(int n, Func<string, byte[]?>? breakIt = null)
    {
        TinyDataSet.Write(_dir, n);
        foreach (var name in Data.FashionMnist.FileNames)
        {
            if (breakIt?.Invoke(name) is { } bytes) { File.WriteAllBytes(Path.Combine(_dir, name), bytes); }
        }
    }

    private (int, string, string) Train() => CliRunner.Run("train", "fashion-mnist", "--data", _dir, "--epochs", "1", "--hidden", "4", "--out", Path.Combine(_dir, "out"));

    [Fact]
    public void EachModelHasItsOwnDefaultsAndGivenOptionsWin()
    {
        Assert.Equal((15, 0.85), (TrainOptions.ForModel("mlp").Epochs, TrainOptions.ForModel("mlp").LearningRateDecay));
        Assert.Equal((20, 0.9), (TrainOptions.ForModel("cnn").Epochs, TrainOptions.ForModel("cnn").LearningRateDecay));
        Write(20);
        var (code, output, error) = CliRunner.Run("train", "fashion-mnist", "--model", "cnn", "--data", _dir, "--epochs", "1", "--lr-decay", "0.5", "--batch-size", "10", "--out", Path.Combine(_dir, "out"));
        Assert.True(code == 0, error);
        Assert.Contains("(×0.5 per epoch), batch 10, 1 epochs", output);
    }

    [Fact]
    public void TheCnnModelTrainsOnATinyDataSetAndAnUnknownModelIsAUsageError()
    {
        Write(20);
        var (code, output, error) = CliRunner.Run("train", "fashion-mnist", "--model", "cnn", "--data", _dir, "--epochs", "1", "--batch-size", "10", "--out", Path.Combine(_dir, "out"));
        Assert.True(code == 0, error);
        Assert.Contains(FashionMnistTrainer.CnnDescription, output);
        Assert.Contains("(×0.9 per epoch)", output); // the CNN's own default decay; --epochs given
        Assert.Contains("final test accuracy", output);
        CliRunner.AssertOneLineError(CliRunner.Run("train", "fashion-mnist", "--model", "rnn", "--data", _dir), 2, "--model: expected one of mlp, cnn");
    }

    [Fact]
    public void AValidTinyDataSetLoads()
    {
        Write(20);
        var (train, test) = Data.FashionMnist.Load(_dir);
        Assert.Equal(20, train.Count);
        Assert.Equal(20, test.Count);
        Assert.Equal(784, test.PixelCount);
        Assert.Equal(3, train.Label(13));
    }

    [Fact]
    public void TruncatedGzip()
    {
        var whole = TinyDataSet.Gzip(TinyDataSet.Idx(0x803, [20, 28, 28], new byte[20 * 784]));
        Write(20, name => name.StartsWith("train-images") ? whole[..(whole.Length / 2)] : null);
        CliRunner.AssertOneLineError(Train(), 1, "train-images-idx3-ubyte.gz");
    }

    [Fact]
    public void NotGzipAtAll()
    {
        Write(20, name => name.StartsWith("t10k-labels") ? "hello, world"u8.ToArray() : null);
        CliRunner.AssertOneLineError(Train(), 1, "t10k-labels-idx1-ubyte.gz");
    }

    [Fact]
    public void WrongMagic()
    {
        Write(20, name => name.StartsWith("train-labels") ? TinyDataSet.Gzip(TinyDataSet.Idx(0x803, [20], new byte[20])) : null);
        CliRunner.AssertOneLineError(Train(), 1, "expected idx magic 0x00000801");
    }

    [Fact]
    public void DataShorterThanTheHeaderPromises()
    {
        Write(20, name => name.StartsWith("t10k-images") ? TinyDataSet.Gzip(TinyDataSet.Idx(0x803, [20, 28, 28], new byte[19 * 784])) : null);
        CliRunner.AssertOneLineError(Train(), 1, "truncated or corrupt");
    }

    [Fact]
    public void ImageAndLabelCountsDiffer()
    {
        Write(20, name => name.StartsWith("train-labels") ? TinyDataSet.Gzip(TinyDataSet.Idx(0x801, [19], new byte[19])) : null);
        CliRunner.AssertOneLineError(Train(), 1, "expected one label per image (20 images");
    }

    [Fact]
    public void ATinyValidDataSetTrainsThroughTheCommand()
    {
        Write(20);
        var save = Path.Combine(_dir, "model.fnck");
        var (code, output, error) = CliRunner.Run("train", "fashion-mnist", "--data", _dir, "--epochs", "2", "--hidden", "8,4", "--batch-size", "7",
            "--optimizer", "momentum", "--out", Path.Combine(_dir, "out"), "--save", save);
        Assert.True(code == 0, error);
        Assert.Contains("epoch  2:", output);
        Assert.Contains("confusion matrix", output);
        var saved = FuncNet.Checkpoint.Read(save);
        Assert.Equal(["hidden1/kernel", "hidden1/bias", "hidden2/kernel", "hidden2/bias", "output/kernel", "output/bias"], saved.Tensors.Keys.Take(6));
        Assert.Contains("hidden1/kernel/momentum", saved.Tensors.Keys);
        Assert.Equal(Shape.Of(784, 8), saved.Tensors["hidden1/kernel"].Shape);
        Assert.Equal("2", saved.Metadata["epoch"]);
    }

    private (int Code, string Output, string Error) TrainTiny(int epochs, string save, string? resume = null, string hidden = "8,4", string model = "mlp") =>
        CliRunner.Run([
            "train", "fashion-mnist", "--data", _dir, "--epochs", epochs.ToString(System.Globalization.CultureInfo.InvariantCulture), "--hidden", hidden, "--model", model,
            "--batch-size", "7", "--backend", "reference", "--out", Path.Combine(_dir, "out"), "--save", save, .. resume is null ? Array.Empty<string>() : ["--resume", resume]]);

    /// <summary>
    /// The CNN's dropout masks come from a key the step advances and its batch norm keeps running statistics:
    /// both are in the checkpoint, so a resumed run draws the same masks and normalizes alike, bit for bit.
    /// </summary>
    [Fact]
    public void TheCnnCheckpointsItsDropoutKeyAndRunningStatisticsAndResumesExactly()
    {
        Write(20);
        var straight = Path.Combine(_dir, "straight.safetensors");
        var first = Path.Combine(_dir, "first.safetensors");
        var resumed = Path.Combine(_dir, "resumed.safetensors");
        var r = TrainTiny(2, straight, model: "cnn");
        Assert.True(r.Code == 0, r.Error);
        r = TrainTiny(1, first, model: "cnn");
        Assert.True(r.Code == 0, r.Error);
        r = TrainTiny(2, resumed, resume: first, model: "cnn");
        Assert.True(r.Code == 0, r.Error);
        Assert.Contains("resumed from", r.Output);
        var a = FuncNet.Checkpoint.Load(straight);
        var b = FuncNet.Checkpoint.Load(resumed);
        var once = FuncNet.Checkpoint.Load(first);
        Assert.Equal(a.Keys, b.Keys);
        foreach (var (name, value) in a) { Assert.True(value.Equals(b[name]), $"{name} differs after resuming"); }
        // Two steps an epoch (20 rows, batches of 7, the partial one dropped) moved the key and the statistics
        // (the tiny set's images are blank, so the batches' variance is 0 and the running one decays from 1).
        Assert.NotEqual(Ops.RandomKeyValue(0).ToIntArray(), once["cnn/dropout_key"].ToIntArray());
        Assert.NotEqual(once["cnn/dropout_key"].ToIntArray(), a["cnn/dropout_key"].ToIntArray());
        Assert.NotEqual(Enumerable.Repeat(1.0, 32), once["batch_norm/running_variance"].ToDoubleArray());
        Assert.NotEqual(once["batch_norm_1/running_variance"].ToDoubleArray(), a["batch_norm_1/running_variance"].ToDoubleArray());
    }

    /// <summary>Two epochs straight, or one epoch, a checkpoint and a resumed second: the same weights and Adam state, bit for bit.</summary>
    [Fact]
    public void ResumingFromACheckpointContinuesExactlyWhereTheRunStopped()
    {
        Write(20);
        var straight = Path.Combine(_dir, "straight.safetensors");
        var first = Path.Combine(_dir, "first.safetensors");
        var resumed = Path.Combine(_dir, "resumed.safetensors");
        var r = TrainTiny(2, straight);
        Assert.True(r.Code == 0, r.Error);
        r = TrainTiny(1, first);
        Assert.True(r.Code == 0, r.Error);
        r = TrainTiny(2, resumed, resume: first);
        Assert.True(r.Code == 0, r.Error);
        Assert.Contains("resumed from", r.Output);
        Assert.Contains("epoch  2:", r.Output);
        Assert.DoesNotContain("epoch  1:", r.Output);
        var a = FuncNet.Checkpoint.Load(straight);
        var b = FuncNet.Checkpoint.Load(resumed);
        Assert.Equal(a.Keys, b.Keys);
        Assert.Contains("step", a.Keys);
        foreach (var (name, value) in a) { Assert.True(value.Equals(b[name]), $"{name} differs after resuming"); }
    }

    /// <summary>
    /// MKL's conditional numerical reproducibility (FUNCNET_MKL_CBWR=1, read when MKL loads, hence separate
    /// processes): two trainings on the MKL backend save bit-identical weights.
    /// </summary>
    [SkippableFact]
    public void MklInReproducibleModeTrainsBitIdenticallyRunToRun()
    {
        const string missing = "Intel MKL is not installed here (run scripts/setup-native.sh).";
        var available = FuncNet.Backends.Cpu.CpuBackend.MklAvailable;
        if (!available && Environment.GetEnvironmentVariable("FUNCNET_REQUIRE_MKL") == "1") { Assert.Fail(missing); }
        Skip.If(!available, missing);
        Write(40);
        var saves = new[] { Path.Combine(_dir, "a.safetensors"), Path.Combine(_dir, "b.safetensors") };
        foreach (var save in saves)
        {
            var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "funcnet.dll"), "train", "fashion-mnist", "--data", _dir, "--epochs", "2",
                                        "--hidden", "16,8", "--batch-size", "8", "--backend", "mkl", "--out", Path.Combine(_dir, "out"), "--save", save })
            {
                start.ArgumentList.Add(arg);
            }
            start.Environment["FUNCNET_MKL_CBWR"] = "1";
            using var child = System.Diagnostics.Process.Start(start)!;
            var output = child.StandardOutput.ReadToEnd();
            var stderr = child.StandardError.ReadToEnd();
            child.WaitForExit();
            Assert.True(child.ExitCode == 0, stderr);
            Assert.Contains("backend mkl-cnr", output);
        }
        Assert.Equal(File.ReadAllBytes(saves[0]), File.ReadAllBytes(saves[1]));
    }

    [Fact]
    public void ResumeRejectsAnotherModelACompletedRunAndACorruptFile()
    {
        Write(20);
        var save = Path.Combine(_dir, "m.safetensors");
        Assert.Equal(0, TrainTiny(1, save).Code);
        CliRunner.AssertOneLineError(TrainTiny(2, Path.Combine(_dir, "n.safetensors"), save, hidden: "5"), 2, "the checkpoint is of --hidden 8,4");
        CliRunner.AssertOneLineError(TrainTiny(1, Path.Combine(_dir, "n.safetensors"), save), 2, "has completed 1 epoch(s)");
        var bytes = File.ReadAllBytes(save);
        File.WriteAllBytes(save, bytes[..(bytes.Length - 3)]);
        CliRunner.AssertOneLineError(TrainTiny(2, Path.Combine(_dir, "n.safetensors"), save), 1, "truncated");
    }

    [FashionMnistFact]
    public void RealFilesShortRunLearns()
    {
        var (train, test) = Data.FashionMnist.Load(Data.FashionMnist.DefaultDirectory);
        Assert.Equal(60_000, train.Count);
        Assert.Equal(10_000, test.Count);
        var options = new TrainOptions { Epochs = 2, Hidden = [32], BatchSize = 50, Limit = 1000, OutDirectory = Path.Combine(_dir, "out") };
        using var log = new StringWriter();
        var result = FashionMnistTrainer.Train(options, train.Take(1000), test.Take(1000), FuncNet.Backend.Default, new SingleProcessCollective(), log);
        Assert.True(result.Epochs[1].TrainLoss < result.Epochs[0].TrainLoss, log.ToString());
        Assert.True(result.Epochs[0].TrainLoss < Math.Log(10), log.ToString());
        Assert.True(result.Epochs[^1].TestAccuracy > 0.5, $"test accuracy {result.Epochs[^1].TestAccuracy} (chance is 0.1)\n{log}");
    }
}
