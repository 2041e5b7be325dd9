using System.Runtime.InteropServices;

namespace FuncNet.Checkpoints;

/// <summary>
/// What kind of file system entry a path names, found without opening it. Opening a FIFO for reading
/// blocks until a writer appears, and a device such as <c>/dev/zero</c> reads forever, so readers of
/// checkpoints and data sets ask this first and refuse anything but a regular file.
/// </summary>
internal static partial class FileKind
{
    /// <summary>
    /// Null when <paramref name="path"/> is a regular file (after following symbolic links) or does not
    /// exist (opening it then reports the OS's reason); otherwise what it is instead, such as
    /// "a FIFO (named pipe)", with the link's target when the path is a symbolic link.
    /// </summary>
    public static string? NotRegular(string path)
    {
        var kind = Directory.Exists(path) ? "a directory" : OperatingSystem.IsLinux() ? LinuxKind(path) : null;
        if (kind is null)
        {
            return null;
        }
        var link = LinkTarget(path);
        return link is null ? kind : $"{kind} (a symbolic link to {link})";
    }

    private static string? LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    // statx's buffer has one layout on every Linux architecture (unlike struct stat), so reading
    // stx_mode at its fixed offset needs no per-architecture table.
    private const int AtCurrentDirectory = -100;
    private const uint StatxType = 0x1;
    private const int StatxBufferBytes = 256;
    private const int StatxModeOffset = 28;

    private static string? LinuxKind(string path)
    {
        Span<byte> buffer = stackalloc byte[StatxBufferBytes];
        int result;
        try
        {
            result = Statx(AtCurrentDirectory, path, 0, StatxType, ref MemoryMarshal.GetReference(buffer));
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // A libc without statx: the readers' checks after opening (seekable, a length) still apply.
            return null;
        }
        if (result != 0)
        {
            return null;
        }
        var mode = MemoryMarshal.Read<ushort>(buffer[StatxModeOffset..]);
        return (mode & 0xF000) switch
        {
            0x8000 => null,
            0x4000 => "a directory",
            0x1000 => "a FIFO (named pipe)",
            0x2000 => "a character device",
            0x6000 => "a block device",
            0xC000 => "a socket",
            var other => $"not a regular file (file type 0x{other:X4})",
        };
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, ref byte buffer);
}
