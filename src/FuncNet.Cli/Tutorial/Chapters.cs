namespace FuncNet.Cli.Tutorial;

/// <summary>The curriculum's chapters in teaching order.</summary>
internal static class Chapters
{
    public static IReadOnlyList<Chapter> All { get; } =
    [
        new AffineGraphChapter(),
        new PointCloudsChapter(),
        new CrossEntropyChapter(),
        new PerceptronTrainingChapter(),
        new MlpChapter(),
        new NumpyNetChapter(),
    ];

    /// <summary>The chapter with that name or number (1-based); throws a usage error listing them otherwise.</summary>
    public static Chapter Find(string nameOrNumber)
    {
        if (int.TryParse(nameOrNumber, out var n) && n >= 1 && n <= All.Count) { return All[n - 1]; }
        return All.FirstOrDefault(c => string.Equals(c.Name, nameOrNumber.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new UsageException(
                $"Unknown chapter '{nameOrNumber}'; expected a number 1–{All.Count} or one of: {string.Join(", ", All.Select(c => c.Name))}.");
    }
}
