using System.Diagnostics;
using System.Text;

namespace FuncNet.Cli.Tests;

/// <summary>
/// Launches the built funcnet command (funcnet.dll beside the tests) on N ranks with the real Open MPI
/// <c>mpirun</c>, as a user would. Each rank runs one CPU thread: the ranks already share this machine's cores.
/// </summary>
public static class MpiRunner
{
    /// <summary>FUNCNET_REQUIRE_MPI=1 (set by CI) turns a missing Open MPI from a skip into a failure.</summary>
    public static bool Required => Environment.GetEnvironmentVariable("FUNCNET_REQUIRE_MPI") == "1";

    /// <summary>The mpirun executable, or null with why Open MPI is unusable here.</summary>
    public static (string? Mpirun, string Missing) Find()
    {
        var mpirun = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, "mpirun")).FirstOrDefault(File.Exists);
        if (mpirun is null) { return (null, "Open MPI's mpirun is not on PATH"); }
        if (!File.Exists("/usr/lib/x86_64-linux-gnu/libmpi.so.40") && Environment.GetEnvironmentVariable("FUNCNET_MPI_LIBRARY") is null)
        {
            return (null, "Open MPI's libmpi.so.40 is not installed");
        }
        return (mpirun, "");
    }

    /// <summary>The skip reason where Open MPI is absent and not required; null where the test must run.</summary>
    public static string? SkipReason()
    {
        var (mpirun, missing) = Find();
        return mpirun is null && !Required ? $"{missing}: run `sudo bash scripts/setup-native.sh` (Debian openmpi-bin, libopenmpi-dev); FUNCNET_REQUIRE_MPI=1 makes this a failure." : null;
    }

    public static string Cli
    {
        get
        {
            var cli = Path.Combine(AppContext.BaseDirectory, "funcnet.dll");
            Assert.True(File.Exists(cli), $"expected the funcnet command beside the tests: {cli}");
            return cli;
        }
    }

    /// <summary>The arguments of <c>mpirun</c> that start <paramref name="ranks"/> ranks of <c>funcnet args...</c>.</summary>
    public static List<string> Arguments(int ranks, IEnumerable<string> args) =>
        ["--allow-run-as-root", "--oversubscribe", "-np", $"{ranks}", .. RankArguments(args)];

    /// <summary>One application context of mpirun's command line: the per-rank environment and <c>dotnet funcnet.dll args...</c>.</summary>
    public static List<string> RankArguments(IEnumerable<string> args) =>
        ["-x", "FUNCNET_THREADS=1", "-x", "FUNCNET_OPENBLAS_THREADS=1", "dotnet", Cli, .. args];

    /// <summary>A started mpirun with its output collected as it comes.</summary>
    public static (Process Process, StringBuilder Output) Start(IEnumerable<string> mpirunArguments, Action<string>? onLine = null)
    {
        var (mpirun, missing) = Find();
        Assert.True(mpirun is not null, $"FUNCNET_REQUIRE_MPI=1 but {missing}");
        var start = new ProcessStartInfo(mpirun!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in mpirunArguments) { start.ArgumentList.Add(a); }
        var process = new Process { StartInfo = start };
        var output = new StringBuilder();
        void Take(string? line)
        {
            if (line is null) { return; }
            lock (output) { output.AppendLine(line); }
            onLine?.Invoke(line);
        }
        process.OutputDataReceived += (_, e) => Take(e.Data);
        process.ErrorDataReceived += (_, e) => Take(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, output);
    }

    /// <summary>Runs mpirun to completion within <paramref name="timeout"/>; returns its exit code and its output and errors together.</summary>
    public static (int Code, string Output) Run(IEnumerable<string> mpirunArguments, TimeSpan timeout)
    {
        var (process, output) = Start(mpirunArguments);
        using (process)
        {
            if (!process.WaitForExit(timeout))
            {
                process.Kill(true);
                Assert.Fail($"mpirun did not finish within {timeout}; output so far:\n{output}");
            }
            process.WaitForExit();
            lock (output) { return (process.ExitCode, output.ToString()); }
        }
    }
}
