namespace FuncNet.Tests.Support;

/// <summary>
/// A fact about Linux file system entries (FIFOs, devices, /proc, /sys): skipped, with the reason shown,
/// elsewhere, unless FUNCNET_REQUIRE_LINUX_FILES=1 makes it run (and fail) there.
/// </summary>
public sealed class LinuxFilesFactAttribute : FactAttribute
{
    public LinuxFilesFactAttribute()
    {
        Skip = LinuxFiles.SkipReason;
    }
}

/// <summary>The theory form of <see cref="LinuxFilesFactAttribute"/>.</summary>
public sealed class LinuxFilesTheoryAttribute : TheoryAttribute
{
    public LinuxFilesTheoryAttribute()
    {
        Skip = LinuxFiles.SkipReason;
    }
}

/// <summary>Helpers for the Linux file-kind tests: making FIFOs and symbolic links, and the skip rule.</summary>
public static class LinuxFiles
{
    public static string? SkipReason =>
        OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("FUNCNET_REQUIRE_LINUX_FILES") == "1"
            ? null
            : "needs Linux FIFOs, /dev, /proc and /sys; FUNCNET_REQUIRE_LINUX_FILES=1 runs it anyway";

    /// <summary>Creates a FIFO at <paramref name="path"/> with mkfifo(1).</summary>
    public static string Fifo(string path)
    {
        using var mkfifo = System.Diagnostics.Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.True(mkfifo.ExitCode == 0 && File.Exists(path), $"mkfifo {path} failed");
        return path;
    }

    /// <summary>
    /// A file system entry of the named kind under <paramref name="dir"/>: fifo, directory, device
    /// (/dev/zero, which reads forever), socket-free kinds only; "link-to-" + a kind makes a symbolic link to one.
    /// </summary>
    public static string Make(string dir, string kind)
    {
        if (kind.StartsWith("link-to-", StringComparison.Ordinal))
        {
            var target = Make(dir, kind["link-to-".Length..]);
            var link = Path.Combine(dir, kind + ".safetensors");
            File.CreateSymbolicLink(link, target);
            return link;
        }
        var path = Path.Combine(dir, kind + ".safetensors");
        switch (kind)
        {
            case "fifo": return Fifo(path);
            case "directory": Directory.CreateDirectory(path); return path;
            case "device": return "/dev/zero";
            default: throw new ArgumentException($"unknown kind {kind}");
        }
    }

    /// <summary>Runs <paramref name="action"/> with a deadline; a FIFO it may be stuck on is opened for writing to free it.</summary>
    public static Exception? WithinSeconds(int seconds, string? fifo, Action action)
    {
        var task = Task.Run(() =>
        {
            try { action(); return null; }
            catch (Exception e) { return e; }
        });
        if (task.Wait(TimeSpan.FromSeconds(seconds)))
        {
            return task.Result;
        }
        if (fifo is not null)
        {
            using var writer = new FileStream(fifo, FileMode.Open, FileAccess.Write);
        }
        Assert.Fail($"still running after {seconds} s: it waits on {fifo ?? "something"}");
        return null;
    }
}
