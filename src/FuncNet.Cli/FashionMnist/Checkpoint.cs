using System.Text;

namespace FuncNet.Cli.FashionMnist;

/// <summary>
/// A minimal checkpoint of named tensors: "FNCK", version 1, the count, then per tensor its name, rank,
/// dimensions and Float64 values (little-endian). Enough to keep a trained model; loading checks every field.
/// </summary>
internal static class Checkpoint
{
    private static readonly byte[] Magic = "FNCK"u8.ToArray();

    public static void Save(string path, IReadOnlyList<(string Name, Tensor Value)> tensors)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) { Directory.CreateDirectory(directory); }
        using var writer = new BinaryWriter(File.Create(path), Encoding.UTF8);
        writer.Write(Magic);
        writer.Write(1);
        writer.Write(tensors.Count);
        foreach (var (name, value) in tensors)
        {
            writer.Write(name);
            writer.Write(value.Rank);
            foreach (var d in value.Shape) { writer.Write(d); }
            foreach (var v in value.ToDoubleArray()) { writer.Write(v); }
        }
    }

    public static IReadOnlyList<(string Name, Tensor Value)> Load(string path)
    {
        try
        {
            using var reader = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
            if (!reader.ReadBytes(4).AsSpan().SequenceEqual(Magic) || reader.ReadInt32() != 1)
            {
                throw new CorruptFileException($"{path}: expected a FuncNet checkpoint (magic FNCK, version 1).");
            }
            var count = reader.ReadInt32();
            var result = new List<(string, Tensor)>();
            for (var i = 0; i < count; i++)
            {
                var name = reader.ReadString();
                var shape = Shape.Of(Enumerable.Range(0, reader.ReadInt32()).Select(_ => reader.ReadInt32()).ToArray());
                var values = Enumerable.Range(0, shape.Size).Select(_ => reader.ReadDouble()).ToArray();
                result.Add((name, Tensor.Create(shape, values)));
            }
            return result;
        }
        catch (EndOfStreamException e)
        {
            throw new CorruptFileException($"{path}: the checkpoint is truncated.", e);
        }
    }
}
