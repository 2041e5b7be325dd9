namespace FuncNet.Cli.Bench;

/// <summary>
/// One benchmark workload: a setup that returns an action doing one unit of work (a training step, an
/// iteration, an epoch), and how to report it. The action is timed by <see cref="BenchRunner"/>.
/// </summary>
internal sealed record Workload(string Name, string Unit, string Description, Func<IBackend, Action> Setup);
