using System.Text.Json;

namespace FuncNet.Cli.Tests;

/// <summary><c>funcnet bench</c>: one JSON line per workload, and usage errors for bad input.</summary>
public class BenchCommandTests
{
    [Fact]
    public void TimesAWorkloadAndPrintsOneJsonLine()
    {
        var (code, output, error) = CliRunner.Run("bench", "W5-compile-16", "--seconds", "0.05", "--backend", "managed");
        Assert.True(code == 0, error);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var json = JsonDocument.Parse(line);
        Assert.Equal("W5-compile-16", json.RootElement.GetProperty("workload").GetString());
        Assert.Equal("managed", json.RootElement.GetProperty("backend").GetString());
        Assert.True(json.RootElement.GetProperty("ms_per_compile").GetDouble() > 0);
        Assert.True(json.RootElement.GetProperty("samples").GetInt32() >= 5);
    }

    [Fact]
    public void TheTanhLayerKernelRunsWhenNamed()
    {
        var (code, output, error) = CliRunner.Run("bench", "K1-tanh-layer", "--seconds", "0.05", "--backend", "managed");
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.True(json.RootElement.GetProperty("us_per_step").GetDouble() > 0);
    }

    [Fact]
    public void TheW6CnnStepRunsAndReportsMillisecondsPerStep()
    {
        var (code, output, error) = CliRunner.Run("bench", "W6-cnn-step", "--seconds", "0.05", "--backend", "managed");
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Equal("W6-cnn-step", json.RootElement.GetProperty("workload").GetString());
        Assert.True(json.RootElement.GetProperty("ms_per_step").GetDouble() > 0);
    }

    [Fact]
    public void EveryWorkloadsUnitHasAScaleAndAnUnknownOneIsRefused()
    {
        Assert.All(Bench.Workloads.All, w => Assert.True(Bench.BenchRunner.Scale(w.Unit) > 0, w.Name));
        Assert.Equal(1e3, Bench.BenchRunner.Scale("ms_per_step"));
        Assert.Contains("no scale", Assert.Throws<InvalidOperationException>(() => Bench.BenchRunner.Scale("minutes_per_step")).Message);
    }

    [Fact]
    public void ProfileWritesEachKernelsShareOfAStepToStandardErrorAndKeepsTheJsonLine()
    {
        var (code, output, error) = CliRunner.Run("bench", "W3", "--seconds", "0.05", "--backend", "managed", "--profile");
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Equal("W3-tutorial-perceptron", json.RootElement.GetProperty("workload").GetString());
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("# W3-tutorial-perceptron: ", lines[0]);
        Assert.Contains(lines, l => l.Contains("MatMulOp", StringComparison.Ordinal) && l.Contains("[GemmKernel]", StringComparison.Ordinal));
    }

    [Fact]
    public void GpuSizedWorkloadsRunOnlyWhenNamedAndGraphsCanBeTurnedOff()
    {
        // Named-only: the GPU-sized ones, the W6 epoch (minutes; the default run has its step), and K1, a kernel
        // micro-benchmark (docs/performance.md) that is no side-by-side workload.
        var namedOnly = Bench.Workloads.All.Where(w => !w.InDefaultRun).Select(w => w.Name).ToArray();
        Assert.Equal(["W6-cnn-epoch", "K1-tanh-layer", "W1-mlp-8192", "GEMM-8192"], namedOnly);
        Assert.Equal("GEMM-8192", Bench.BenchRunner.Find("GEMM")?.Name);
        // --no-graphs is accepted everywhere (CPU backends do not record runs anyway).
        var (code, output, error) = CliRunner.Run("bench", "W2", "--seconds", "0.05", "--backend", "managed", "--no-graphs");
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.False(json.RootElement.TryGetProperty("graph_replayed", out _), "CPU backends have no graph status");
    }

    [Fact]
    public void GemmProvidersPrintsTheThroughputOfEachNativeProviderAtEveryW1Shape()
    {
        var (code, output, error) = CliRunner.Run("bench", "--gemm-providers", "--seconds", "0.05");
        if (code != 0)
        {
            // A machine without MKL, OpenBLAS and oneDNN: the command says so instead of timing nothing.
            Assert.Contains("no native GEMM provider loads here", error);
            return;
        }
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.All(lines, l => Assert.Equal("gemm-providers", l.GetProperty("workload").GetString()));
        // A figure, not a speed check: on a loaded machine a call can round to 0.0 GFLOP/s.
        Assert.All(lines, l => Assert.True(l.GetProperty("gflops").GetDouble() is >= 0 and < double.PositiveInfinity && l.GetProperty("samples").GetInt32() > 0, l.ToString()));
        var providers = lines.Select(l => l.GetProperty("provider").GetString()).Distinct().ToArray();
        // W1's eight products, each timed on every provider.
        Assert.Equal(8 * providers.Length, lines.Length);
        Assert.Equal(8, lines.Select(l => l.GetProperty("shape").GetString()).Distinct().Count());
        if (FuncNet.Backends.Cpu.CpuBackend.OneDnnAvailable) { Assert.Contains("onednn", providers); }
    }

    [Fact]
    public void AnUnknownWorkloadIsAUsageError() =>
        CliRunner.AssertOneLineError(CliRunner.Run("bench", "W9"), 2, "Unknown workload 'W9'");

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("1000")]
    public void AnInvalidDurationIsAUsageError(string seconds) =>
        CliRunner.AssertOneLineError(CliRunner.Run("bench", "W2", "--seconds", seconds), 2, "--seconds");
}
