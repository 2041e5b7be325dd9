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
            var results = ConformanceSuite.RunAll(resolved);
            foreach (var r in results)
            {
                output.WriteLine($"  {(r.Passed ? "pass" : "FAIL")}  {r.Case,-42} {r.DType,-8} {r.Detail}");
            }
            var failed = results.Count(r => !r.Passed);
            output.WriteLine($"{results.Count - failed} passed, {failed} failed");
            return failed == 0 ? 0 : 1;
        });
        return command;
    }
}
