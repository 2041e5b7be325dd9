namespace FuncNet.Cli.Tests;

/// <summary>The funcnet command end to end, in-process: the tutorial and every kind of bad input.</summary>
public class CommandTests
{
    [Fact]
    public void TutorialRunsEveryChapterQuicklyAndWritesPlots()
    {
        var dir = Path.Combine(Path.GetTempPath(), "funcnet-tutorial-" + Guid.NewGuid().ToString("N"));
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var (code, output, error) = CliRunner.Run("tutorial", "--out", dir);
            Assert.True(code == 0, error);
            Assert.True(clock.Elapsed.TotalSeconds < 30, $"the tutorial took {clock.Elapsed.TotalSeconds:F1} s");
            for (var i = 1; i <= 6; i++) { Assert.Contains($"== Chapter {i}", output); }
            Assert.Contains("0.9933071490757153", output);
            Assert.Contains("step  90: loss", output);
            Assert.Contains("accuracy 100 %", output);
            foreach (var png in new[] { "point-clouds.png", "perceptron-boundary.png", "perceptron-loss.png", "mlp-decision-regions.png", "mlp-loss.png", "numpy-net-loss.png" })
            {
                var path = Path.Combine(dir, png);
                Assert.True(File.Exists(path), $"{png} missing; output:\n{output}");
                Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(path)[..4]);
            }
        }
        finally
        {
            if (Directory.Exists(dir)) { Directory.Delete(dir, true); }
        }
    }

    [Fact]
    public void OneChapterByNameOrNumber()
    {
        var dir = Path.Combine(Path.GetTempPath(), "funcnet-ch-" + Guid.NewGuid().ToString("N"));
        var (code, output, _) = CliRunner.Run("tutorial", "cross-entropy", "--out", dir);
        Assert.Equal(0, code);
        Assert.Contains("== Chapter 3", output);
        Assert.DoesNotContain("== Chapter 4", output);
        Assert.Equal(0, CliRunner.Run("tutorial", "1", "--out", dir).Code);
        if (Directory.Exists(dir)) { Directory.Delete(dir, true); }
    }

    [Fact]
    public void UnknownChapterIsAUsageError() =>
        CliRunner.AssertOneLineError(CliRunner.Run("tutorial", "convolutions"), 2, "Unknown chapter 'convolutions'; expected a number 1–6 or one of: affine");

    [Theory]
    [InlineData("--epochs", "0", "--epochs")]
    [InlineData("--epochs", "ten", "ten")]
    [InlineData("--batch-size", "-5", "--batch-size")]
    [InlineData("--hidden", "256,x", "--hidden")]
    [InlineData("--lr", "-0.1", "--lr")]
    [InlineData("--optimizer", "rmsprop", "--optimizer")]
    [InlineData("--limit", "0", "--limit")]
    [InlineData("--backend", "quantum", "quantum")]
    public void InvalidOptionValuesAreOneLineUsageErrors(string option, string value, string fragment) =>
        CliRunner.AssertOneLineError(CliRunner.Run("train", "fashion-mnist", option, value, "--data", "/nonexistent"), 2, fragment);

    [Fact]
    public void AnUnknownOptionIsAUsageError() =>
        CliRunner.AssertOneLineError(CliRunner.Run("train", "fashion-mnist", "--epochz", "3"), 2, "--epochz");

    [Fact]
    public void MissingDataSaysHowToInstallIt()
    {
        var dir = Directory.CreateTempSubdirectory("funcnet-empty").FullName;
        try
        {
            var result = CliRunner.Run("train", "fashion-mnist", "--data", dir);
            CliRunner.AssertOneLineError(result, 1, "sudo bash scripts/setup-native.sh");
            Assert.Contains("dataset-fashion-mnist", result.Error);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Theory]
    [InlineData("foo")]
    [InlineData("graph")]
    [InlineData("Tutorial")]
    public void AnUnknownCommandIsNamedAndTheCommandsListed(string word)
    {
        var result = CliRunner.Run(word, "--backend", "reference");
        CliRunner.AssertOneLineError(result, 2, $"unknown command '{word}'");
        foreach (var command in new[] { "tutorial", "train", "bench", "selftest" })
        {
            Assert.Contains(command, result.Error);
        }
        Assert.DoesNotContain("Required command", result.Error);
    }

    [Fact]
    public void AKnownCommandWithAnUnknownOptionStillGetsTheParsersMessage()
    {
        var result = CliRunner.Run("selftest", "--no-such-option");
        CliRunner.AssertOneLineError(result, 2, "--no-such-option");
        Assert.DoesNotContain("unknown command", result.Error);
    }
}
