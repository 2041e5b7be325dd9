using System.CommandLine;
using System.Globalization;
using FuncNet.Backends;
using FuncNet.Cli.Bench;

namespace FuncNet.Cli.Commands;

/// <summary><c>funcnet bench [workload...] [--backend NAME] [--seconds S] [--no-graphs] [--profile]</c>: the side-by-side benchmark's FuncNet half; <c>--gemm-providers</c> times the native GEMMs alone.</summary>
internal static class BenchCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var workloads = new Argument<string[]>("workload")
        {
            Description = $"Workloads to time (when omitted, all but the GPU-sized {string.Join(" and ", Workloads.All.Where(w => !w.InDefaultRun).Select(w => w.Name))}): {string.Join(", ", Workloads.All.Select(w => w.Name))}; a prefix such as W1 works.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var backend = new Option<string?>("--backend") { Description = $"Backend: {string.Join(", ", BackendSelector.Names)}." };
        var seconds = new Option<double>("--seconds") { Description = "Minimum timing per workload, after a warm-up.", DefaultValueFactory = _ => 2.0 };
        var noGraphs = new Option<bool>("--no-graphs") { Description = "On a backend that records and replays runs (cuda), run every kernel eagerly instead." };
        var gemmProviders = new Option<bool>("--gemm-providers") { Description = "Instead of workloads: Float32 GFLOP/s of each native GEMM provider (MKL, OpenBLAS, oneDNN) on W1's shapes." };
        var profile = new Option<bool>("--profile") { Description = "After timing each workload, time every kernel of a few more runs and print where a step's time goes (stderr), largest first." };
        var command = new Command("bench", "Time FuncNet on the workloads of ../shared/bench/pytorch_reference.py; one JSON line per workload.")
        {
            workloads, backend, seconds, noGraphs, gemmProviders, profile,
        };
        command.SetAction(parse =>
        {
            var s = parse.GetValue(seconds);
            if (!(s > 0 && s <= 600))
            {
                throw new UsageException($"--seconds: expected a number of seconds in (0, 600]; given {s.ToString(CultureInfo.InvariantCulture)}.");
            }
            if (parse.GetValue(gemmProviders))
            {
                GemmProviderBench.Run(s, output);
                return 0;
            }
            var names = parse.GetValue(workloads) ?? [];
            foreach (var n in names)
            {
                if (BenchRunner.Find(n) is null)
                {
                    throw new UsageException($"Unknown workload '{n}'; expected one of: {string.Join(", ", Workloads.All.Select(w => w.Name))} (or a prefix such as W1).");
                }
            }
            var context = new BenchContext(Program.ResolveBackend(parse.GetValue(backend)), CaptureGraphs: !parse.GetValue(noGraphs));
            BenchRunner.Run(names, context, s, output, parse.GetValue(profile) ? error : null);
            return 0;
        });
        return command;
    }
}
