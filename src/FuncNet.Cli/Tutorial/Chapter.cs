namespace FuncNet.Cli.Tutorial;

/// <summary>One chapter of the Deep Learning 101 curriculum, runnable on its own.</summary>
internal abstract class Chapter
{
    /// <summary>The name used on the command line, e.g. <c>perceptron</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The chapter's title as printed.</summary>
    public abstract string Title { get; }

    /// <summary>Runs the chapter, printing what the curriculum prints and writing its plots.</summary>
    public abstract void Run(TutorialContext context);

    /// <summary>A matrix as the curriculum prints it: rows in brackets, 6 decimals.</summary>
    protected static string Format(Tensor t)
    {
        var v = t.ToDoubleArray();
        if (t.Rank <= 1) { return "[" + string.Join(" ", v.Select(x => x.ToString("F6"))) + "]"; }
        var cols = t.Shape[-1];
        return "[" + string.Join(" ", Enumerable.Range(0, v.Length / cols).Select(r => "[" + string.Join(" ", v.Skip(r * cols).Take(cols).Select(x => x.ToString("F6"))) + "]")) + "]";
    }
}
