using System.Diagnostics;
using System.Text.Json;

namespace FuncNet.Cli.Bench;

/// <summary>
/// Times workloads and prints one JSON object per workload on stdout, like the peer script, so a driver
/// can run FuncNet and PyTorch alternately on the same machine and compare medians.
/// </summary>
internal static class BenchRunner
{
    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Runs the named workloads (all when none) for at least <paramref name="seconds"/> each after a warm-up; returns the results.</summary>
    public static IReadOnlyList<Dictionary<string, object>> Run(IReadOnlyList<string> names, IBackend backend, double seconds, TextWriter output)
    {
        var selected = names.Count == 0
            ? Workloads.All
            : names.Select(n => Find(n) ?? throw new FuncNetException($"Unknown workload '{n}'; expected one of: {string.Join(", ", Workloads.All.Select(w => w.Name))}.")).ToList();
        var results = new List<Dictionary<string, object>>();
        foreach (var w in selected)
        {
            var action = w.Setup(backend);
            action(); // warm-up: compiles kernels, fills pools
            var samples = new List<double>();
            var total = Stopwatch.StartNew();
            while (total.Elapsed.TotalSeconds < seconds || samples.Count < 5)
            {
                var sw = Stopwatch.StartNew();
                action();
                samples.Add(sw.Elapsed.TotalSeconds);
                if (samples.Count >= 100_000) { break; }
            }
            samples.Sort();
            var median = samples[samples.Count / 2];
            var scale = w.Unit switch
            {
                "ms_per_step" or "ms_per_compile" => 1e3,
                "us_per_iteration" or "us_per_step" => 1e6,
                _ => 1.0,
            };
            var result = new Dictionary<string, object>
            {
                ["workload"] = w.Name,
                ["engine"] = "funcnet",
                ["backend"] = backend.Name,
                [w.Unit] = Math.Round(median * scale, 4),
                ["samples"] = samples.Count,
            };
            if (backend is FuncNet.Backends.Cpu.CpuBackend { GemmChoices.Count: > 0 } cpu)
            {
                result["gemm_choices"] = cpu.GemmChoices;
            }
            results.Add(result);
            output.WriteLine(JsonSerializer.Serialize(result, JsonOptions));
            output.Flush();
        }
        return results;
    }

    /// <summary>The workload with this name, or the first whose name starts with it and a dash (W1 → W1-mlp); null if none.</summary>
    public static Workload? Find(string name) =>
        Workloads.All.FirstOrDefault(w => w.Name.Equals(name, StringComparison.OrdinalIgnoreCase) || w.Name.StartsWith(name + "-", StringComparison.OrdinalIgnoreCase));
}
