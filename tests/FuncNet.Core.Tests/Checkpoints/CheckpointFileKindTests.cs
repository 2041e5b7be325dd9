using FuncNet.Tests.Support;

namespace FuncNet.Tests.Checkpoints;

/// <summary>
/// Checkpoints are read from regular files only: a FIFO (which would block the open until a writer comes),
/// a directory, a device that reads forever, and symbolic links to any of them are refused up front with
/// <see cref="CorruptFileException"/> naming the path and what it is.
/// </summary>
public sealed class CheckpointFileKindTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("funcnet-kind").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    public static TheoryData<string, string> Kinds => new()
    {
        { "fifo", "a FIFO (named pipe)" },
        { "directory", "a directory" },
        { "device", "a character device" },
        { "link-to-fifo", "a FIFO (named pipe) (a symbolic link to" },
        { "link-to-directory", "a directory (a symbolic link to" },
        { "link-to-device", "a character device (a symbolic link to /dev/zero)" },
    };

    [LinuxFilesTheory]
    [MemberData(nameof(Kinds))]
    public void ReadRefusesAnythingButARegularFileWithoutWaiting(string kind, string described)
    {
        var path = LinuxFiles.Make(_dir, kind);
        var fifo = kind.EndsWith("fifo", StringComparison.Ordinal) ? path : null;
        var error = LinuxFiles.WithinSeconds(10, fifo, () => Checkpoint.Read(path));
        var e = Assert.IsType<CorruptFileException>(error);
        Assert.Contains(path, e.Message);
        Assert.Contains($"it is {described}", e.Message);
        Assert.Contains("expected a regular safetensors file", e.Message);
    }

    /// <summary>The repro: with a writer on the other end the open used to throw NotSupportedException; now it is refused before opening.</summary>
    [LinuxFilesFact]
    public void AFifoWithAWriterIsRefusedAsWell()
    {
        var fifo = LinuxFiles.Fifo(Path.Combine(_dir, "pipe.safetensors"));
        var writer = Task.Run(() =>
        {
            try
            {
                using var stream = new FileStream(fifo, FileMode.Open, FileAccess.Write);
                stream.Write(new byte[16]);
            }
            catch (IOException)
            {
                // Broken pipe: the reader below opens and closes at once, as it should.
            }
        });
        var error = LinuxFiles.WithinSeconds(10, null, () => Checkpoint.Read(fifo));
        Assert.IsType<CorruptFileException>(error);
        // Free the writer, which waits for a reader.
        using (new FileStream(fifo, FileMode.Open, FileAccess.Read)) { }
        Assert.True(writer.Wait(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void ARegularFileThroughASymbolicLinkStillLoads()
    {
        var path = Path.Combine(_dir, "real.safetensors");
        Checkpoint.Save(path, new Dictionary<string, Tensor> { ["v"] = Tensor.Scalar(4.0) });
        var link = Path.Combine(_dir, "link.safetensors");
        File.CreateSymbolicLink(link, path);
        Assert.Equal(4.0, Checkpoint.Load(link)["v"].ToScalar());
    }
}
