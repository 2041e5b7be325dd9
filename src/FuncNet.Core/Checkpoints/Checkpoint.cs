using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using FuncNet.Checkpoints;

namespace FuncNet;

/// <summary>
/// Saves and loads named tensors in the safetensors format, so checkpoints are readable by other tools
/// (Python's <c>safetensors</c>, Hugging Face, Rust <c>safetensors</c>): an 8-byte little-endian header
/// length N, N bytes of JSON <c>{name: {"dtype": "F32"|"F64"|"I32", "shape": [...], "data_offsets": [begin, end]}, "__metadata__": {...}}</c>
/// padded with spaces, then the raw little-endian data. Saving is atomic: the file is written beside the
/// target, flushed to disk and renamed over it, so a crash or a failed write leaves either the old or the
/// new checkpoint, never a torn one. Saving checks the loader's rules first and writes nothing that
/// <see cref="Read(string)"/> would reject. Loading reads only regular files and validates every field, throwing
/// <see cref="CorruptFileException"/> naming the file and the problem.
/// </summary>
public static class Checkpoint
{
    /// <summary>The largest header accepted (as the reference implementation): a guard against absurd lengths.</summary>
    public const long MaxHeaderBytes = CheckpointRules.MaxHeaderBytes;

    /// <summary>The highest tensor rank a checkpoint holds.</summary>
    public const int MaxRank = CheckpointRules.MaxRank;

    private const string MetadataKey = CheckpointRules.MetadataKey;

    /// <summary>Writes <paramref name="tensors"/> (in enumeration order) to <paramref name="path"/>, atomically.</summary>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors) => Save(path, tensors, null);

    /// <summary>
    /// Writes <paramref name="tensors"/> and string <paramref name="metadata"/> to <paramref name="path"/>,
    /// atomically. Contents that <see cref="Read(string)"/> would reject throw (<see cref="FuncNetException"/> or
    /// <see cref="ShapeException"/>) before anything is written; a path that cannot be written throws
    /// <see cref="FileWriteException"/> naming it, and leaves any previous file there unchanged.
    /// </summary>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(tensors);
        var header = Header(tensors, metadata);
        if (CheckpointRules.HeaderLength(header.Length) is { } tooLong)
        {
            throw new FuncNetException($"Checkpoint.Save {path}: {tooLong}, so the file could not be loaded; shorten the tensor names or metadata (the longest text is {LongestText(tensors, metadata)} characters).");
        }
        var full = Target(path);
        var temp = TemporaryBeside(full);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                Span<byte> length = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
                stream.Write(length);
                stream.Write(header);
                foreach (var (_, tensor) in tensors)
                {
                    WriteData(stream, tensor);
                }
                // Data on disk before the rename: otherwise a power loss could leave the new name on empty blocks.
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e)
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            // .NET reports EFBIG (the file size limit) as ArgumentOutOfRangeException; the arguments here are all valid.
            if (e is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException)
            {
                throw CannotWrite(full, temp, e, "any previous file there is unchanged");
            }
            throw;
        }
    }

    /// <summary>
    /// Checks, without touching an existing file, that <see cref="Save(string, IReadOnlyDictionary{string, Tensor})"/>
    /// could create a checkpoint at <paramref name="path"/>: creates its folder and a temporary file beside
    /// it, then removes the file. A long job calls this before it starts, so an unwritable path fails at once
    /// rather than after the first epoch. Throws <see cref="FileWriteException"/> naming the path (a full disk
    /// shows only when the data is written).
    /// </summary>
    public static void CheckWritable(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = Target(path);
        var temp = TemporaryBeside(full);
        try
        {
            new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None).Dispose();
            File.Delete(temp);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw CannotWrite(full, temp, e, "expected a path in a writable folder");
        }
    }

    /// <summary>The full path to save to, its folder created; throws when the path is empty, or names a directory or a device.</summary>
    private static string Target(string path)
    {
        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (ArgumentException e)
        {
            throw new FileWriteException($"Checkpoint.Save: expected a file path; given '{path}' ({e.Message}).", e);
        }
        if (Path.EndsInDirectorySeparator(full))
        {
            throw new FileWriteException($"Checkpoint.Save: cannot write {full}: it names a folder; expected a file name such as {Path.Combine(full, "model.safetensors")}.");
        }
        if (FileKind.NotRegular(full) is { } kind)
        {
            // Renaming over a device or FIFO would replace it (as root, /dev/null itself); over a directory it fails late.
            throw new FileWriteException($"Checkpoint.Save: cannot write {full}: it is {kind}; expected a regular file or a new file name.");
        }
        var directory = Path.GetDirectoryName(full) ?? ".";
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FileWriteException($"Checkpoint.Save: cannot write {full}: its folder {directory} cannot be created ({e.Message}).", e);
        }
        return full;
    }

    /// <summary>
    /// A fresh name in the target's folder, so the final rename never crosses file systems and is atomic;
    /// the target's name is cut so that the temporary one stays within the usual 255-byte limit.
    /// </summary>
    private static string TemporaryBeside(string full)
    {
        var name = Path.GetFileName(full);
        var stem = name.Length <= 48 ? name : name[..(char.IsHighSurrogate(name[47]) ? 47 : 48)];
        return Path.Combine(Path.GetDirectoryName(full) ?? ".", $".{stem}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
    }

    /// <summary>The failure in the caller's terms: the system's reason, with the hidden temporary file's name replaced by the target's.</summary>
    private static FileWriteException CannotWrite(string full, string temp, Exception e, string consequence)
    {
        var reason = e is ArgumentOutOfRangeException
            ? "File too large: the file system or the process's file size limit allows no more"
            : e.Message.Replace($" : '{temp}'", "", StringComparison.Ordinal).Replace(temp, full, StringComparison.Ordinal).TrimEnd('.');
        return new FileWriteException($"Checkpoint.Save: cannot write {full} ({reason}); {consequence}.", e);
    }

    private static int LongestText(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata) =>
        tensors.Keys.Concat(metadata?.Keys ?? []).Concat(metadata?.Values ?? []).Max(t => t?.Length ?? 0);

    /// <summary>The tensors of a checkpoint file, in file order.</summary>
    public static IReadOnlyDictionary<string, Tensor> Load(string path) => Read(path).Tensors;

    /// <summary>
    /// The tensors and metadata of a checkpoint file; throws <see cref="CorruptFileException"/> when it is
    /// missing, not a regular file (a directory, FIFO, device or socket, also through a symbolic link: checked
    /// before opening, since opening a FIFO would wait for a writer), truncated or malformed.
    /// </summary>
    public static CheckpointContents Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (FileKind.NotRegular(path) is { } kind)
        {
            throw new CorruptFileException($"Checkpoint {path}: it is {kind}; expected a regular safetensors file.");
        }
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CorruptFileException($"Checkpoint {path}: cannot open it ({e.Message}).", e);
        }
        using (stream)
        {
            if (!stream.CanSeek)
            {
                // Where the type could not be asked before opening: a pipe or socket is no checkpoint either.
                throw new CorruptFileException($"Checkpoint {path}: it is not a regular file (it cannot seek); expected a regular safetensors file.");
            }
            try
            {
                return Read(path, stream);
            }
            catch (Exception e) when (e is IOException or JsonException or DecoderFallbackException or InvalidOperationException)
            {
                throw new CorruptFileException($"Checkpoint {path}: {e.Message}", e);
            }
        }
    }

    private static CheckpointContents Read(string path, FileStream stream)
    {
        CorruptFileException Corrupt(string problem) => new($"Checkpoint {path}: {problem}");
        var fileLength = stream.Length;
        if (fileLength < 8)
        {
            throw Corrupt($"the file has {fileLength} bytes; a safetensors file starts with an 8-byte header length.");
        }
        Span<byte> prefix = stackalloc byte[8];
        stream.ReadExactly(prefix);
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (CheckpointRules.HeaderLength(headerLength > long.MaxValue ? long.MaxValue : (long)headerLength) is { } tooLong)
        {
            throw Corrupt($"{tooLong}.");
        }
        if ((long)headerLength > fileLength - 8)
        {
            throw Corrupt($"the header length is {headerLength} bytes but only {fileLength - 8} follow: the file is truncated.");
        }
        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(headerBytes);
        var dataLength = fileLength - 8 - (long)headerLength;
        var entries = ParseHeader(text, dataLength, Corrupt, out var metadata);
        var tensors = new OrderedDictionary<string, Tensor>(StringComparer.Ordinal);
        var dataStart = 8 + (long)headerLength;
        foreach (var e in entries)
        {
            stream.Position = dataStart + e.Begin;
            tensors.Add(e.Name, ReadData(stream, e.Shape, e.DType));
        }
        return new CheckpointContents(tensors, metadata);
    }

    private sealed record Entry(string Name, DType DType, Shape Shape, long Begin, long End);

    /// <summary>Parses and validates the JSON header against the data section's length; entries come back in offset order.</summary>
    private static List<Entry> ParseHeader(string text, long dataLength, Func<string, CorruptFileException> corrupt, out IReadOnlyDictionary<string, string> metadata)
    {
        using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 8 });
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw corrupt($"expected the header to be a JSON object; given a {root.ValueKind}.");
        }
        var entries = new List<Entry>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            if (!names.Add(property.Name))
            {
                throw corrupt($"the header names '{property.Name}' twice.");
            }
            if (property.Name == MetadataKey)
            {
                if (property.Value.ValueKind != JsonValueKind.Object) { throw corrupt($"expected {MetadataKey} to be an object of strings; given a {property.Value.ValueKind}."); }
                foreach (var m in property.Value.EnumerateObject())
                {
                    if (m.Value.ValueKind != JsonValueKind.String) { throw corrupt($"{MetadataKey}.{m.Name}: expected a string; given a {m.Value.ValueKind}."); }
                    if (!meta.TryAdd(m.Name, m.Value.GetString()!)) { throw corrupt($"{MetadataKey} names '{m.Name}' twice."); }
                }
                continue;
            }
            entries.Add(ParseEntry(property.Name, property.Value, corrupt));
        }
        entries.Sort((a, b) => a.Begin.CompareTo(b.Begin));
        long expected = 0;
        foreach (var e in entries)
        {
            if (e.Begin != expected)
            {
                throw corrupt(e.Begin < expected
                    ? $"tensor '{e.Name}' data_offsets [{e.Begin}, {e.End}] overlap the previous tensor, which ends at {expected}."
                    : $"tensor '{e.Name}' data_offsets [{e.Begin}, {e.End}] leave a gap after byte {expected}; expected contiguous data.");
            }
            expected = e.End;
        }
        if (expected != dataLength)
        {
            throw corrupt(expected > dataLength
                ? $"the tensors need {expected} bytes of data but the file holds {dataLength}: the file is truncated."
                : $"the tensors need {expected} bytes of data but the file holds {dataLength}: there are {dataLength - expected} unexplained trailing bytes.");
        }
        metadata = meta;
        return entries;
    }

    private static Entry ParseEntry(string name, JsonElement value, Func<string, CorruptFileException> corrupt)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw corrupt($"tensor '{name}': expected an object with dtype, shape and data_offsets; given a {value.ValueKind}.");
        }
        if (!value.TryGetProperty("dtype", out var dtypeText) || dtypeText.ValueKind != JsonValueKind.String)
        {
            throw corrupt($"tensor '{name}': expected a string dtype (F32, F64 or I32).");
        }
        var dtype = dtypeText.GetString() switch
        {
            "F32" => DType.Float32,
            "F64" => DType.Float64,
            "I32" => DType.Int32,
            var other => throw corrupt($"tensor '{name}': dtype '{other}' is not supported; expected F32, F64 or I32."),
        };
        if (!value.TryGetProperty("shape", out var shapeArray) || shapeArray.ValueKind != JsonValueKind.Array)
        {
            throw corrupt($"tensor '{name}': expected a shape array of non-negative integers.");
        }
        if (CheckpointRules.Rank(name, shapeArray.GetRawText(), shapeArray.GetArrayLength()) is { } tooHigh)
        {
            throw corrupt($"{tooHigh}.");
        }
        var dims = new List<int>();
        long count = 1;
        foreach (var d in shapeArray.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out var dim) || dim < 0)
            {
                throw corrupt($"tensor '{name}': shape {shapeArray.GetRawText()} must hold non-negative 32-bit integers.");
            }
            dims.Add(dim);
            count = dim == 0 || count == 0 ? 0 : count * dim;
            if (CheckpointRules.ElementCount(name, shapeArray.GetRawText(), count) is { } tooMany)
            {
                throw corrupt($"{tooMany}.");
            }
        }
        if (!value.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2
            || !offsets[0].TryGetInt64(out var begin) || !offsets[1].TryGetInt64(out var end) || begin < 0 || end < begin)
        {
            throw corrupt($"tensor '{name}': expected data_offsets [begin, end] with 0 ≤ begin ≤ end.");
        }
        var bytes = count * dtype.SizeInBytes();
        if (end - begin != bytes)
        {
            throw corrupt($"tensor '{name}': shape {shapeArray.GetRawText()} {dtype} needs {bytes} bytes but data_offsets [{begin}, {end}] hold {end - begin}.");
        }
        return new Entry(name, dtype, Shape.Of(dims), begin, end);
    }

    private static byte[] Header(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(MetadataKey);
                foreach (var (key, value) in metadata)
                {
                    ArgumentNullException.ThrowIfNull(key, "metadata key");
                    if (value is null) { throw new FuncNetException($"Checkpoint.Save: metadata '{key}' has a null value; expected a string."); }
                    if ((CheckpointRules.Text("metadata key", key) ?? CheckpointRules.Text($"metadata '{CheckpointRules.Abbreviate(key)}'", value)) is { } illFormed)
                    {
                        throw new FuncNetException($"Checkpoint.Save: {illFormed}.");
                    }
                    json.WriteString(key, value);
                }
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, tensor) in tensors)
            {
                if (string.IsNullOrEmpty(name) || name == MetadataKey)
                {
                    throw new FuncNetException($"Checkpoint.Save: tensor names must be non-empty and not '{MetadataKey}'; given '{name}'.");
                }
                if (CheckpointRules.Text("tensor name", name) is { } illFormed)
                {
                    throw new FuncNetException($"Checkpoint.Save: {illFormed}.");
                }
                if (tensor is null)
                {
                    throw new FuncNetException($"Checkpoint.Save: tensor '{name}' is null; expected a value.");
                }
                if (CheckpointRules.Rank(CheckpointRules.Abbreviate(name), tensor.Shape.ToString(), tensor.Shape.Rank) is { } tooHigh)
                {
                    throw new ShapeException($"Checkpoint.Save: {tooHigh}, so the file could not be loaded.");
                }
                var bytes = (long)tensor.Size * tensor.DType.SizeInBytes();
                json.WriteStartObject(name);
                json.WriteString("dtype", tensor.DType switch { DType.Float32 => "F32", DType.Float64 => "F64", _ => "I32" });
                json.WriteStartArray("shape");
                foreach (var d in tensor.Shape) { json.WriteNumberValue(d); }
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + bytes);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += bytes;
            }
            json.WriteEndObject();
        }
        // The format pads the header with spaces so the data starts 8-byte aligned (readers may map it).
        var padded = (buffer.Length + 7) / 8 * 8;
        while (buffer.Length < padded) { buffer.WriteByte((byte)' '); }
        return buffer.ToArray();
    }

    private static void WriteData(Stream stream, Tensor tensor)
    {
        ReadOnlySpan<byte> bytes = tensor.Data switch
        {
            float[] f => MemoryMarshal.AsBytes(f.AsSpan()),
            double[] d => MemoryMarshal.AsBytes(d.AsSpan()),
            int[] i => MemoryMarshal.AsBytes(i.AsSpan()),
            _ => throw new DTypeException($"Checkpoint.Save: unsupported storage {tensor.Data.GetType().Name}."),
        };
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(bytes);
            return;
        }
        // The format is little-endian whatever the machine: swap each element on big-endian hosts.
        var size = tensor.DType.SizeInBytes();
        var swapped = bytes.ToArray();
        for (var i = 0; i < swapped.Length; i += size) { swapped.AsSpan(i, size).Reverse(); }
        stream.Write(swapped);
    }

    private static Tensor ReadData(Stream stream, Shape shape, DType dtype)
    {
        var count = shape.Size;
        Array data = dtype switch
        {
            DType.Float32 => new float[count],
            DType.Float64 => new double[count],
            _ => new int[count],
        };
        var bytes = data switch
        {
            float[] f => MemoryMarshal.AsBytes(f.AsSpan()),
            double[] d => MemoryMarshal.AsBytes(d.AsSpan()),
            _ => MemoryMarshal.AsBytes(((int[])data).AsSpan()),
        };
        stream.ReadExactly(bytes);
        if (!BitConverter.IsLittleEndian)
        {
            var size = dtype.SizeInBytes();
            for (var i = 0; i < bytes.Length; i += size) { bytes.Slice(i, size).Reverse(); }
        }
        return Tensor.Wrap(shape, dtype, data);
    }
}
