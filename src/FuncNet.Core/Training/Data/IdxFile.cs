using System.IO.Compression;
using FuncNet.Checkpoints;

namespace FuncNet.Data;

/// <summary>
/// Reads gzip-compressed idx files (the MNIST family's format): a big-endian magic 0x00000800 | type | rank,
/// one big-endian Int32 per dimension, then the unsigned bytes. Anything else is a <see cref="CorruptFileException"/>
/// naming the file and what was wrong. The header is read and checked before the data is inflated, so a
/// file whose header or data is out of proportion (a gzip bomb) is refused without the memory it would take.
/// </summary>
public static class IdxFile
{
    private const int UnsignedByte = 0x08;

    /// <summary>Deflate's largest expansion (about 1032:1): no honest gzip file inflates to more.</summary>
    private const long MaxInflation = 1032;

    private const string Reinstall = "reinstall the data set (apt-get install --reinstall dataset-fashion-mnist)";

    /// <summary>
    /// The dimensions and bytes of an idx file whose items have the shape <paramref name="itemDims"/>
    /// (28 × 28 for images, none for labels), so its rank is one more.
    /// </summary>
    public static (int[] Dims, byte[] Data) Read(string path, IReadOnlyList<int> itemDims)
    {
        if (FileKind.NotRegular(path) is { } kind)
        {
            throw new CorruptFileException($"{path}: it is {kind}; expected a regular gzip file.");
        }
        try
        {
            using var file = File.OpenRead(path);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            var dims = Header(path, gzip, 1 + itemDims.Count);
            if (!dims.AsSpan(1).SequenceEqual(itemDims.ToArray()))
            {
                throw new CorruptFileException($"{path}: expected items of {Dims(itemDims)}; found {Dims(dims.Skip(1))}.");
            }
            var size = dims.Aggregate(1L, (a, d) => a * d);
            if (size > MaxInflation * file.Length || size > Array.MaxLength)
            {
                throw new CorruptFileException($"{path}: the header promises {Dims(dims)} = {size} bytes of data, more than a gzip file of {file.Length} bytes can hold (corrupt, or not this data set).");
            }
            var data = new byte[size];
            var read = gzip.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
            if (read < data.Length)
            {
                throw new CorruptFileException($"{path}: the header promises {Dims(dims)} = {size} bytes of data; the file holds {read} (truncated or corrupt).");
            }
            if (gzip.ReadByte() >= 0)
            {
                // Stop at the first byte too many: a bomb behind a modest header is not inflated any further.
                throw new CorruptFileException($"{path}: the header promises {Dims(dims)} = {size} bytes of data; the file holds more (corrupt, or not this data set).");
            }
            return (dims, data);
        }
        catch (InvalidDataException e)
        {
            throw new CorruptFileException($"{path}: not a valid gzip file ({e.Message}); {Reinstall}.", e);
        }
        catch (EndOfStreamException e)
        {
            throw new CorruptFileException($"{path}: the gzip stream is truncated; {Reinstall}.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CorruptFileException($"{path}: cannot read it ({e.Message}).", e);
        }
    }

    /// <summary>The magic number and dimensions, read from the start of the inflated stream and checked.</summary>
    private static int[] Header(string path, Stream gzip, int rank)
    {
        var header = new byte[4 + 4 * rank];
        var got = gzip.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (got < header.Length)
        {
            throw new CorruptFileException($"{path}: expected an idx header of {header.Length} bytes; the file holds {got} bytes.");
        }
        var expectedMagic = (UnsignedByte << 8) | rank;
        var magic = BigEndian(header, 0);
        if (magic != expectedMagic)
        {
            throw new CorruptFileException($"{path}: expected idx magic 0x{expectedMagic:X8} (unsigned bytes, rank {rank}); found 0x{magic:X8}.");
        }
        var dims = Enumerable.Range(0, rank).Select(i => BigEndian(header, 4 + 4 * i)).ToArray();
        if (dims.Any(d => d <= 0))
        {
            throw new CorruptFileException($"{path}: expected positive dimensions; the header holds {Dims(dims)} (truncated or corrupt).");
        }
        return dims;
    }

    private static string Dims(IEnumerable<int> dims) => dims.Any() ? string.Join(" × ", dims) : "a single byte";

    private static int BigEndian(byte[] b, int at) => (b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3];
}
