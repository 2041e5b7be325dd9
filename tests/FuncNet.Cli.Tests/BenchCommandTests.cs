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
    public void AnUnknownWorkloadIsAUsageError() =>
        CliRunner.AssertOneLineError(CliRunner.Run("bench", "W9"), 2, "Unknown workload 'W9'");

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("1000")]
    public void AnInvalidDurationIsAUsageError(string seconds) =>
        CliRunner.AssertOneLineError(CliRunner.Run("bench", "W2", "--seconds", seconds), 2, "--seconds");
}
