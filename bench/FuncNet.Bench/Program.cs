using BenchmarkDotNet.Running;

namespace FuncNet.Bench;

/// <summary>Runs the benchmarks: <c>dotnet run -c Release --project bench/FuncNet.Bench -- --filter '*'</c>.</summary>
public static class Program
{
    /// <summary>Entry point: BenchmarkDotNet's switcher (filters, jobs, exporters from the command line).</summary>
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
