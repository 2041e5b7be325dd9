namespace FuncNet.Cli.Tutorial;

/// <summary>Where a chapter writes: its text output, its plots' folder and the backend it runs on.</summary>
internal sealed record TutorialContext(TextWriter Output, string OutDirectory, IBackend Backend);
