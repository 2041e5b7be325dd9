using System.CommandLine;
using FuncNet.Backends;
using FuncNet.Cli.Commands;

namespace FuncNet.Cli;

/// <summary>The funcnet command: <c>tutorial</c> runs the curriculum, <c>train fashion-mnist</c> trains an MLP, <c>eval</c> scores an ONNX model, <c>bench</c> times the workloads, <c>selftest</c> checks a backend.</summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>
    /// Runs the command line with the given writers (tests call this in-process). Exit codes: 0 success,
    /// 1 a failure while running (missing or corrupt data), 2 an invalid command line. Errors are one line
    /// on <paramref name="error"/>, never a stack trace.
    /// </summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        var root = new RootCommand("FuncNet: a functional tensor DSL for .NET. Start with `funcnet tutorial`.")
        {
            TutorialCommand.Create(output),
            TrainCommand.Create(output),
            EvalCommand.Create(output),
            BenchCommand.Create(output, error),
            SelfTestCommand.Create(output),
            CheckpointStressCommand.Create(output),
            DataParallelCheckCommand.Create(output),
        };
        // System.CommandLine reports an unknown first word as a missing command; say what was typed instead.
        if (args.Length > 0 && !args[0].StartsWith('-') && root.Subcommands.All(c => c.Name != args[0]))
        {
            var names = string.Join(", ", root.Subcommands.Where(c => !c.Hidden).Select(c => c.Name));
            error.WriteLine($"funcnet: unknown command '{args[0]}'; the commands are: {names} (see `funcnet --help`)");
            return 2;
        }
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            error.WriteLine($"funcnet: {parse.Errors[0].Message} (see `funcnet --help`)");
            return 2;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (UsageException e)
        {
            error.WriteLine($"funcnet: {e.Message}");
            return 2;
        }
        catch (Exception e) when (e is FuncNetException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"funcnet: {e.Message}");
            return 1;
        }
        catch (OutOfMemoryException e)
        {
            // Where the estimate checked up front was too low: still one line, not an abort.
            error.WriteLine($"funcnet: out of memory ({e.Message}); use smaller layers (--hidden) or a smaller --batch-size.");
            return 1;
        }
    }

    /// <summary>
    /// The backend by name through <see cref="BackendSelector"/>; an unknown name is a usage error, blamed on
    /// --backend when it was given and otherwise on the FUNCNET_BACKEND variable it came from.
    /// </summary>
    internal static IBackend ResolveBackend(string? name)
    {
        try
        {
            return BackendSelector.Resolve(name);
        }
        catch (FuncNetException e) when (e is not BackendUnavailableException)
        {
            throw new UsageException(string.IsNullOrWhiteSpace(name) ? e.Message : $"--backend: {e.Message}");
        }
    }
}
