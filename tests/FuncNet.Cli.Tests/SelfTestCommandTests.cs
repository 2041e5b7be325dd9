namespace FuncNet.Cli.Tests;

/// <summary><c>funcnet selftest</c>: the conformance suite of a backend, one line per case.</summary>
public class SelfTestCommandTests
{
    [Fact]
    public void TheManagedBackendPassesEveryCase()
    {
        var (code, output, error) = CliRunner.Run("selftest", "--backend", "managed");
        Assert.True(code == 0, error + output);
        var cases = FuncNet.Backends.Conformance.ConformanceGraphs.All.Count * 2;
        Assert.Equal(cases, output.Split('\n').Count(l => l.TrimStart().StartsWith("pass", StringComparison.Ordinal)));
        Assert.Contains($"{cases} passed, 0 failed", output);
    }

    [Fact]
    public void AnUnknownBackendIsAUsageError() =>
        CliRunner.AssertOneLineError(CliRunner.Run("selftest", "--backend", "tpu"), 2, "Unknown backend 'tpu'");
}
