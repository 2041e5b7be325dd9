using System.IO.Compression;

namespace FuncNet.Cli.FashionMnist;

/// <summary>
/// Reads gzip-compressed idx files (the MNIST family's format): a big-endian magic 0x00000800 | type | rank,
/// one big-endian Int32 per dimension, then the unsigned bytes. Anything else is a <see cref="CorruptFileException"/>
/// naming the file and what was wrong.
/// </summary>
internal static class IdxFile
{
    private const int UnsignedByte = 0x08;

    /// <summary>The dimensions and bytes of an idx file of the given rank (3 for images, 1 for labels).</summary>
    public static (int[] Dims, byte[] Data) Read(string path, int expectedRank)
    {
        byte[] raw;
        try
        {
            using var file = File.OpenRead(path);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var memory = new MemoryStream();
            gzip.CopyTo(memory);
            raw = memory.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new CorruptFileException($"{path}: not a valid gzip file ({e.Message}); reinstall the data set (apt-get install --reinstall dataset-fashion-mnist).", e);
        }
        catch (EndOfStreamException e)
        {
            throw new CorruptFileException($"{path}: the gzip stream is truncated; reinstall the data set (apt-get install --reinstall dataset-fashion-mnist).", e);
        }
        var expectedMagic = (UnsignedByte << 8) | expectedRank;
        if (raw.Length < 4 + 4 * expectedRank)
        {
            throw new CorruptFileException($"{path}: expected an idx header of {4 + 4 * expectedRank} bytes; the file holds {raw.Length} bytes.");
        }
        var magic = BigEndian(raw, 0);
        if (magic != expectedMagic)
        {
            throw new CorruptFileException($"{path}: expected idx magic 0x{expectedMagic:X8} (unsigned bytes, rank {expectedRank}); found 0x{magic:X8}.");
        }
        var dims = Enumerable.Range(0, expectedRank).Select(i => BigEndian(raw, 4 + 4 * i)).ToArray();
        var size = dims.Aggregate(1L, (a, d) => a * d);
        var offset = 4 + 4 * expectedRank;
        if (dims.Any(d => d <= 0) || raw.Length - offset != size)
        {
            throw new CorruptFileException($"{path}: the header promises {string.Join(" × ", dims)} = {size} bytes of data; the file holds {raw.Length - offset} (truncated or corrupt).");
        }
        return (dims, raw[offset..]);
    }

    private static int BigEndian(byte[] b, int at) => (b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3];
}
