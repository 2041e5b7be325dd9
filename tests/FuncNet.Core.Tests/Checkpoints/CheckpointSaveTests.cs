using System.Buffers.Binary;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using FuncNet.Tests.Support;

namespace FuncNet.Tests.Checkpoints;

/// <summary>
/// Save writes only what Load accepts, and checks before it writes: contents that break a loader rule
/// throw and leave the previous checkpoint byte for byte; a path that cannot be written throws
/// <see cref="FileWriteException"/> naming the caller's path, never the hidden temporary file.
/// </summary>
public sealed class CheckpointSaveTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("funcnet-save").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private string Good()
    {
        var path = Path.Combine(_dir, "good.safetensors");
        Checkpoint.Save(path, new Dictionary<string, Tensor> { ["w"] = Tensor.FromArray(new[] { 1f, 2f }) }, new Dictionary<string, string> { ["epoch"] = "1" });
        return path;
    }

    private static Tensor OfRank(int rank) => Tensor.FromArray(new float[] { 5f }).Reshape(Shape.Of(Enumerable.Repeat(1, rank).ToArray()));

    public static TheoryData<string> Refused => new() { "rank 33", "header over the limit", "lone surrogate in a name", "lone surrogate in a metadata key", "lone surrogate in a metadata value", "empty name", "reserved name" };

    private static (IReadOnlyDictionary<string, Tensor> Tensors, IReadOnlyDictionary<string, string>? Metadata, string Fragment) Case(string why) => why switch
    {
        "rank 33" => (new Dictionary<string, Tensor> { ["deep"] = OfRank(33) }, null, "rank 33; expected at most 32"),
        // The repro: one name of 17 million characters, escaped into a header over 100 MB.
        "header over the limit" => (new Dictionary<string, Tensor> { [new string('\u0001', 17_000_000)] = Tensor.Scalar(1.0) }, null, "expected at most 100000000"),
        "lone surrogate in a name" => (new Dictionary<string, Tensor> { ["a\ud800b"] = Tensor.Scalar(1.0) }, null, "lone UTF-16 surrogate at index 1"),
        "lone surrogate in a metadata key" => (new Dictionary<string, Tensor>(), new Dictionary<string, string> { ["\udc00"] = "v" }, "lone UTF-16 surrogate at index 0"),
        "lone surrogate in a metadata value" => (new Dictionary<string, Tensor>(), new Dictionary<string, string> { ["k"] = "x\ud800" }, "lone UTF-16 surrogate at index 1"),
        "empty name" => (new Dictionary<string, Tensor> { [""] = Tensor.Scalar(1.0) }, null, "non-empty"),
        _ => (new Dictionary<string, Tensor> { ["__metadata__"] = Tensor.Scalar(1.0) }, null, "non-empty"),
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void ContentsLoadWouldRejectAreRefusedBeforeAnythingIsWritten(string why)
    {
        var path = Good();
        var before = File.ReadAllBytes(path);
        var (tensors, metadata, fragment) = Case(why);
        var e = Assert.ThrowsAny<FuncNetException>(() => Checkpoint.Save(path, tensors, metadata));
        Assert.Contains(fragment, e.Message);
        Assert.True(e.Message.Length < 1000, $"the message should be one readable line; it has {e.Message.Length} characters");
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(_dir));
    }

    private static byte[] Build(string header, int dataBytes)
    {
        var h = Encoding.UTF8.GetBytes(header);
        var r = new byte[8 + h.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(r, (ulong)h.Length);
        h.CopyTo(r, 8);
        return r;
    }

    /// <summary>The other half of the mirror: each rule Save enforces, broken in a file made by hand, is what Load rejects.</summary>
    [Fact]
    public void LoadRejectsTheSameFilesByTheSameRules()
    {
        var path = Path.Combine(_dir, "hand.safetensors");
        var rank33 = string.Join(",", Enumerable.Repeat("1", 33));
        File.WriteAllBytes(path, Build($$$"""{"deep":{"dtype":"F32","shape":[{{{rank33}}}],"data_offsets":[0,4]}}""", 4));
        Assert.Contains("rank 33; expected at most 32", Assert.Throws<CorruptFileException>(() => Checkpoint.Load(path)).Message);
        File.WriteAllBytes(path, Build("""{"a\ud800b":{"dtype":"F64","shape":[],"data_offsets":[0,8]}}""", 8));
        Assert.Contains(path, Assert.Throws<CorruptFileException>(() => Checkpoint.Load(path)).Message);
        File.WriteAllBytes(path, Build("""{"__metadata__":{"k":"x\ud800"}}""", 0));
        Assert.Contains(path, Assert.Throws<CorruptFileException>(() => Checkpoint.Load(path)).Message);
        var prefix = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, Checkpoint.MaxHeaderBytes + 8);
        File.WriteAllBytes(path, prefix);
        Assert.Contains($"expected at most {Checkpoint.MaxHeaderBytes}", Assert.Throws<CorruptFileException>(() => Checkpoint.Load(path)).Message);
    }

    private static Gen<string> HostileNames => Gen.OneOf(
        Gen.Elements("w", "", "__metadata__", "é名", "a\"b\\c", "\0", "\ud800", "x\udc00", "😀", "\ud83d\ude00z", new string('n', 300)),
        Gen.Choose(1, 6).SelectMany(n => Gen.ArrayOf(Gen.Choose(0xD7F0, 0xE010).Select(c => (char)c), n)).Select(cs => new string(cs)));

    /// <summary>
    /// The class test: random hostile names, metadata and ranks up to 40. Every save either throws a
    /// FuncNetException and leaves the good file as it was, or writes a file that loads back equal.
    /// </summary>
    [Property(MaxTest = 300)]
    public Property WhateverSaveAcceptsLoadsBackAndWhateverItRefusesLeavesTheOldFile() =>
        Prop.ForAll(HostileNames.ToArbitrary(), HostileNames.ToArbitrary(), Gen.Choose(0, 40).ToArbitrary(), (name, meta, rank) =>
        {
            var path = Good();
            var before = File.ReadAllBytes(path);
            var tensors = new Dictionary<string, Tensor> { [name] = OfRank(rank) };
            var metadata = new Dictionary<string, string> { [meta] = name };
            try
            {
                Checkpoint.Save(path, tensors, metadata);
            }
            catch (FuncNetException)
            {
                Assert.Equal(before, File.ReadAllBytes(path));
                Assert.Equal([path], Directory.GetFiles(_dir));
                return;
            }
            var back = Checkpoint.Read(path);
            Assert.True(OfRank(rank).Equals(back.Tensors[name]));
            Assert.Equal(name, back.Metadata[meta]);
        });

    public static TheoryData<string, string> Unwritable => new()
    {
        { "/proc/funcnet-nope/m.safetensors", "its folder /proc/funcnet-nope cannot be created" },
        { "/sys/funcnet-m.safetensors", "/sys/funcnet-m.safetensors" },
        { "{dir}/folder", "it is a directory" },
        { "{dir}/folder/", "it names a folder" },
        { "{dir}/pipe", "it is a FIFO (named pipe)" },
    };

    [LinuxFilesTheory]
    [MemberData(nameof(Unwritable))]
    public void AnUnwritablePathIsNamedAsTheCallerGaveItAndNothingIsLeftBehind(string where, string fragment)
    {
        Directory.CreateDirectory(Path.Combine(_dir, "folder"));
        LinuxFiles.Fifo(Path.Combine(_dir, "pipe"));
        var path = where.Replace("{dir}", _dir, StringComparison.Ordinal);
        var listing = Directory.GetFileSystemEntries(_dir);
        foreach (var attempt in new Action[]
        {
            () => Checkpoint.Save(path, new Dictionary<string, Tensor> { ["w"] = Tensor.Scalar(1.0) }),
            () => Checkpoint.CheckWritable(path),
        })
        {
            var e = Assert.Throws<FileWriteException>(attempt);
            Assert.Contains(Path.TrimEndingDirectorySeparator(path), e.Message);
            Assert.Contains(fragment, e.Message);
            Assert.DoesNotContain(".tmp", e.Message);
            Assert.Equal(listing, Directory.GetFileSystemEntries(_dir));
        }
        Assert.True(new FileInfo(Path.Combine(_dir, "pipe")).Exists, "the FIFO must not be replaced");
    }

    [Fact]
    public void CheckWritableCreatesTheFolderLeavesAnExistingFileAndNoTemporaryFile()
    {
        var path = Good();
        var before = File.ReadAllBytes(path);
        Checkpoint.CheckWritable(path);
        Assert.Equal(before, File.ReadAllBytes(path));
        var nested = Path.Combine(_dir, "a", "b", "m.safetensors");
        Checkpoint.CheckWritable(nested);
        Assert.True(Directory.Exists(Path.Combine(_dir, "a", "b")));
        Assert.Empty(Directory.GetFiles(Path.Combine(_dir, "a", "b")));
        Assert.Equal([path], Directory.GetFiles(_dir));
    }

    /// <summary>A name near the 255-byte file name limit: the temporary file beside it must not be longer than the limit allows.</summary>
    [Fact]
    public void AFileNameNearTheLengthLimitSaves()
    {
        var path = Path.Combine(_dir, new string('m', 240) + ".st");
        Checkpoint.Save(path, new Dictionary<string, Tensor> { ["w"] = Tensor.Scalar(3.0) });
        Assert.Equal(3.0, Checkpoint.Load(path)["w"].ToScalar());
        Assert.Equal([path], Directory.GetFiles(_dir));
    }
}
