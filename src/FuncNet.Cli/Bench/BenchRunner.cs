using System.Diagnostics;
using System.Text.Json;
using FuncNet.Compilation;

namespace FuncNet.Cli.Bench;

/// <summary>
/// Times workloads and prints one JSON object per workload on stdout, like the peer script, so a driver
/// can run FuncNet and PyTorch alternately on the same machine and compare medians.
/// </summary>
internal static class BenchRunner
{
    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Runs the named workloads (when none, those of the default run) for at least <paramref name="seconds"/>
    /// each after a warm-up; returns the results, reported per unit of work (a sample may do several). With a
    /// <paramref name="profile"/> writer, a few more samples then run with every kernel timed, and the kernels'
    /// share of a step is written there.
    /// </summary>
    public static IReadOnlyList<Dictionary<string, object>> Run(IReadOnlyList<string> names, BenchContext context, double seconds, TextWriter output, TextWriter? profile = null)
    {
        var backend = context.Backend;
        var selected = names.Count == 0
            ? Workloads.All.Where(w => w.InDefaultRun).ToList()
            : names.Select(n => Find(n) ?? throw new FuncNetException($"Unknown workload '{n}'; expected one of: {string.Join(", ", Workloads.All.Select(w => w.Name))}.")).ToList();
        var results = new List<Dictionary<string, object>>();
        foreach (var w in selected)
        {
            var sample = w.Setup(context);
            var action = sample.Run;
            action(); // warm-up: compiles kernels, fills pools (and, on a capturing backend, records the plan's run)
            action();
            var samples = new List<double>();
            var total = Stopwatch.StartNew();
            while (total.Elapsed.TotalSeconds < seconds || samples.Count < 5)
            {
                var sw = Stopwatch.StartNew();
                action();
                samples.Add(sw.Elapsed.TotalSeconds / sample.Steps);
                if (samples.Count >= 100_000) { break; }
            }
            samples.Sort();
            var median = samples[samples.Count / 2];
            var scale = Scale(w.Unit);
            var result = new Dictionary<string, object>
            {
                ["workload"] = w.Name,
                ["engine"] = "funcnet",
                ["backend"] = backend.Name,
                [w.Unit] = Math.Round(median * scale, 4),
                ["samples"] = samples.Count,
            };
            if (backend is IGraphCapture && sample.Plan is { } plan)
            {
                // Whether the timed runs replayed a recording, and if not, why: the figure means little without it.
                result["graph_replayed"] = plan.LastRunReplayed;
                if (plan.GraphFallbackReason is { } reason) { result["graph_fallback"] = reason; }
            }
            if (backend is FuncNet.Backends.Cpu.CpuBackend { GemmChoices.Count: > 0 } cpu)
            {
                result["gemm_choices"] = cpu.GemmChoices;
            }
            results.Add(result);
            output.WriteLine(JsonSerializer.Serialize(result, JsonOptions));
            output.Flush();
            if (profile is not null) { WriteProfile(w, sample, profile); }
        }
        return results;
    }

    /// <summary>
    /// Seconds to the unit a workload reports in, read from its name's prefix; an unknown unit is a bug in the
    /// workload table, refused rather than reported unscaled.
    /// </summary>
    internal static double Scale(string unit) => unit switch
    {
        "ms_per_step" or "ms_per_compile" or "ms_per_gemm" => 1e3,
        "us_per_iteration" or "us_per_step" => 1e6,
        "seconds_per_epoch" => 1.0,
        _ => throw new InvalidOperationException($"Benchmark unit '{unit}' has no scale; expected ms_…, us_… or seconds_per_epoch. Add it to BenchRunner.Scale."),
    };

    /// <summary>Runs five samples with every kernel timed and writes each kernel's milliseconds per step, share and managed allocation.</summary>
    private static void WriteProfile(Workload w, Sample sample, TextWriter profile)
    {
        const int samples = 5;
        KernelProfile.Start();
        var wall = Stopwatch.StartNew();
        for (var i = 0; i < samples; i++) { sample.Run(); }
        wall.Stop();
        var kernels = KernelProfile.Stop();
        var steps = (double)samples * sample.Steps;
        var stepMs = wall.Elapsed.TotalMilliseconds / steps;
        profile.WriteLine(FormattableString.Invariant($"# {w.Name}: {stepMs:F3} ms per step with every kernel timed; {kernels.Sum(k => k.Seconds) * 1e3 / steps:F3} ms of it in kernels"));
        profile.WriteLine("#   ms/step  share  calls/step  bytes/step  kernel (op output <- inputs [implementation])");
        foreach (var (kernel, s, calls, bytes) in kernels)
        {
            var ms = s * 1e3 / steps;
            profile.WriteLine(FormattableString.Invariant($"  {ms,9:F3}  {ms / stepMs,5:P0}  {calls / steps,10:F1}  {bytes / steps,10:F0}  {kernel}"));
        }
        profile.Flush();
    }

    /// <summary>The workload with this name, or the first whose name starts with it and a dash (W1 → W1-mlp); null if none.</summary>
    public static Workload? Find(string name) =>
        Workloads.All.FirstOrDefault(w => w.Name.Equals(name, StringComparison.OrdinalIgnoreCase) || w.Name.StartsWith(name + "-", StringComparison.OrdinalIgnoreCase));
}
