namespace FuncNet.Cli.Tests;

/// <summary>Runs the funcnet command in-process, capturing its output and errors.</summary>
public static class CliRunner
{
    public static (int Code, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = Program.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Asserts a failure with a single-line, stack-trace-free message containing <paramref name="fragment"/>.</summary>
    public static void AssertOneLineError((int Code, string Output, string Error) result, int expectedCode, string fragment)
    {
        Assert.Equal(expectedCode, result.Code);
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one error line; given:\n{result.Error}");
        Assert.Contains(fragment, result.Error);
        Assert.DoesNotContain("   at ", result.Error);
        Assert.DoesNotContain("Exception", result.Error);
    }
}
