using FuncNet.Checkpoints;

namespace FuncNet;

/// <summary>Reads a model file's bytes, refusing what is not a regular file (a FIFO would block, a device read forever).</summary>
internal static class OnnxFile
{
    /// <summary>Protobuf messages are limited to 2 GiB; a larger file is not an ONNX model FuncNet can read.</summary>
    private const long MaxBytes = int.MaxValue;

    public static byte[] Read(string path)
    {
        var full = Path.GetFullPath(path);
        if (FileKind.NotRegular(full) is { } kind)
        {
            throw new CorruptFileException($"Onnx.Import {full}: expected a regular file; it is {kind}.");
        }
        try
        {
            using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read);
            if (stream.Length > MaxBytes)
            {
                throw new CorruptFileException($"Onnx.Import {full}: the file has {stream.Length} bytes; a protobuf model holds at most {MaxBytes}.");
            }
            var bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
            return bytes;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CorruptFileException($"Onnx.Import {full}: cannot read it ({e.Message}).", e);
        }
    }
}
