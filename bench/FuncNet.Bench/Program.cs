using BenchmarkDotNet.Running;

namespace FuncNet.Bench;

/// <summary>Runs the benchmarks: <c>dotnet run -c Release --project bench/FuncNet.Bench -- --filter '*'</c>, or the memory soak: <c>-- soak --minutes 5</c>.</summary>
public static class Program
{
    /// <summary>
    /// Entry point: <c>soak</c> runs the memory soak (<see cref="Soak"/>); anything else goes to BenchmarkDotNet's
    /// switcher (filters, jobs, exporters from the command line).
    /// </summary>
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "soak") { return Soak.Run(args); }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
