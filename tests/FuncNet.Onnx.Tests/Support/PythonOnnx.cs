using System.Diagnostics;

namespace FuncNet.Tests;

/// <summary>Debian's python3-onnx, which has the ONNX checker; tests that need it skip with the reason when it is absent.</summary>
public static class PythonOnnx
{
    public const string Python = "/usr/bin/python3";

    public static string? SkipReason { get; } = Probe();

    private static string? Probe()
    {
        if (!File.Exists(Python))
        {
            return $"{Python} is not installed: run `sudo bash scripts/setup-native.sh` (Debian package python3-onnx).";
        }
        var (code, _) = Run("-c", "import onnx");
        return code == 0 ? null : "python3-onnx is not installed: run `sudo bash scripts/setup-native.sh` (Debian package python3-onnx).";
    }

    public static (int ExitCode, string Output) Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) { start.ArgumentList.Add(a); }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result + error);
    }
}
