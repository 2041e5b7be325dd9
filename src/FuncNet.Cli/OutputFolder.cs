using FuncNet.Checkpoints;

namespace FuncNet.Cli;

/// <summary>
/// The folder an option such as <c>--out</c> names, checked before any work starts: a run must not train
/// for an hour and then fail at plotting, nor skip its plots and claim it wrote them.
/// </summary>
internal static class OutputFolder
{
    /// <summary>
    /// Creates the folder and proves it writable with a probe file; throws a usage error naming
    /// <paramref name="option"/> and the path otherwise. Returns the full path.
    /// </summary>
    public static string Prepare(string option, string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new UsageException($"{option}: expected a folder to write to; given an empty path.");
        }
        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"{option}: expected a folder path; given '{path}' ({e.Message}).");
        }
        if (File.Exists(full))
        {
            throw new UsageException($"{option} {path}: it is {FileKind.NotRegular(full) ?? "a file"}; expected a folder (it is created when missing).");
        }
        var probe = Path.Combine(full, $".funcnet-probe.{Environment.ProcessId}.{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(full);
            new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None).Dispose();
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var reason = e.Message.Replace($" : '{probe}'", "", StringComparison.Ordinal).Replace(probe, full, StringComparison.Ordinal).TrimEnd('.');
            throw new UsageException($"{option} {path}: cannot write there ({reason}); expected a writable folder.");
        }
        return full;
    }
}
