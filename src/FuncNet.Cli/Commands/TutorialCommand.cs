using System.CommandLine;
using System.Diagnostics;
using FuncNet.Backends;
using FuncNet.Cli.Tutorial;

namespace FuncNet.Cli.Commands;

/// <summary><c>funcnet tutorial [chapter] [--out DIR] [--backend NAME]</c>: the curriculum, chapter by chapter.</summary>
internal static class TutorialCommand
{
    public static Command Create(TextWriter output)
    {
        var chapter = new Argument<string?>("chapter")
        {
            Description = $"One chapter (1–{Chapters.All.Count} or {string.Join(", ", Chapters.All.Select(c => c.Name))}); all in order when omitted.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var outDir = new Option<string>("--out") { Description = "Folder for the PNG plots.", DefaultValueFactory = _ => Path.Combine("out", "tutorial") };
        var backend = new Option<string?>("--backend") { Description = $"Backend: {string.Join(", ", BackendSelector.Names)}." };
        var command = new Command("tutorial", "Run the Deep Learning 101 curriculum: graphs, perceptrons, cross-entropy, gradient descent, MLPs.")
        {
            chapter, outDir, backend,
        };
        command.SetAction(parse =>
        {
            var name = parse.GetValue(chapter);
            var selected = name is null ? Chapters.All : [Chapters.Find(name)];
            // Checked before the first chapter: a folder that cannot take the plots fails now, not silently later.
            OutputFolder.Prepare("--out", parse.GetValue(outDir));
            var context = new TutorialContext(output, parse.GetValue(outDir)!, Program.ResolveBackend(parse.GetValue(backend)));
            var clock = Stopwatch.StartNew();
            foreach (var c in selected)
            {
                var number = Chapters.All.ToList().IndexOf(c) + 1;
                output.WriteLine($"== Chapter {number} ({c.Name}): {c.Title}");
                c.Run(context);
                output.WriteLine();
            }
            output.WriteLine($"Tutorial done in {clock.Elapsed.TotalSeconds:F1} s on the {context.Backend.Name} backend; plots in {Path.GetFullPath(context.OutDirectory)}");
            return 0;
        });
        return command;
    }
}
