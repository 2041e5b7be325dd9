using FuncNet.Checkpoints;

namespace FuncNet;

/// <summary>
/// Writes a file whole or not at all, as checkpoints are saved: into a fresh file beside the target, flushed to
/// disk, then renamed over it, so a failure leaves any previous file unchanged.
/// </summary>
internal static class AtomicFile
{
    public static void Write(string path, byte[] bytes, string caller)
    {
        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (ArgumentException e)
        {
            throw new FileWriteException($"{caller}: expected a file path; given '{path}' ({e.Message}).", e);
        }
        if (Path.EndsInDirectorySeparator(full) || FileKind.NotRegular(full) is not null)
        {
            throw new FileWriteException($"{caller}: cannot write {full}: it is {FileKind.NotRegular(full) ?? "a folder"}; expected a regular file or a new file name.");
        }
        var folder = Path.GetDirectoryName(full) ?? ".";
        var temp = Path.Combine(folder, $".{Path.GetFileName(full)[..Math.Min(48, Path.GetFileName(full).Length)]}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(folder);
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw new FileWriteException($"{caller}: cannot write {full} ({e.Message.Replace(temp, full, StringComparison.Ordinal)}); any previous file there is unchanged.", e);
        }
    }
}
