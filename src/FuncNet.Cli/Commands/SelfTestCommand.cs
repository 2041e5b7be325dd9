using System.CommandLine;
using FuncNet.Backends;
using FuncNet.Backends.Conformance;

namespace FuncNet.Cli.Commands;

/// <summary>
/// <c>funcnet selftest [--backend NAME]</c>: the backend conformance suite against the Reference backend, in
/// Float32 and Float64, one line per case; exit code 1 when any case disagrees. This is how a published
/// binary checks a backend on a machine without the test projects (a GPU machine, say).
/// </summary>
internal static class SelfTestCommand
{
    public static Command Create(TextWriter output)
    {
        var backend = new Option<string?>("--backend") { Description = $"Backend to check: {string.Join(", ", BackendSelector.Names)}." };
        var command = new Command("selftest", "Check a backend against the Reference backend on the conformance graphs and their gradients.") { backend };
        command.SetAction(parse =>
        {
            var resolved = Program.ResolveBackend(parse.GetValue(backend));
            output.WriteLine($"conformance of the {resolved.Name} backend against the reference backend");
            var failed = 0;
            foreach (var c in ConformanceGraphs.All)
            {
                foreach (var dtype in new[] { DType.Float32, DType.Float64 })
                {
                    var r = ConformanceSuite.Run(c, resolved, dtype);
                    failed += r.Passed ? 0 : 1;
                    output.WriteLine($"  {(r.Passed ? "pass" : "FAIL")}  {r.Case,-42} {r.DType,-8} {r.Detail}");
                }
            }
            var total = ConformanceGraphs.All.Count * 2;
            output.WriteLine($"{total - failed} passed, {failed} failed");
            return failed == 0 ? 0 : 1;
        });
        return command;
    }
}
