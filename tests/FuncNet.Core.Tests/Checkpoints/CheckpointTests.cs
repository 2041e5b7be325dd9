using System.Buffers.Binary;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace FuncNet.Tests.Checkpoints;

/// <summary>The safetensors writer and the validating loader: round trips, the exact layout, and every way a file can be broken.</summary>
public sealed class CheckpointTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("funcnet-ckpt").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private static Gen<Tensor> Tensors =>
        from rank in Gen.Choose(0, 3)
        from dims in Gen.ArrayOf(Gen.Choose(0, 4), rank)
        from dtype in Gen.Elements(DType.Float32, DType.Float64, DType.Int32)
        from seed in Gen.Choose(0, int.MaxValue)
        select Make(Shape.Of(dims), dtype, seed);

    private static Tensor Make(Shape shape, DType dtype, int seed)
    {
        var rng = new Random(seed);
        var special = new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, double.Epsilon, 1e300 };
        var values = Enumerable.Range(0, shape.Size).Select(_ => rng.Next(8) == 0 ? special[rng.Next(special.Length)] : rng.NextDouble() * 200 - 100).ToArray();
        if (dtype == DType.Int32) { values = values.Select(v => double.IsFinite(v) ? Math.Round(v) : 7).ToArray(); }
        return Tensor.FromSpan(shape, values, dtype);
    }

    private static Gen<IReadOnlyDictionary<string, Tensor>> Sets =>
        from count in Gen.Choose(0, 5)
        from tensors in Gen.ArrayOf(Tensors, count)
        from names in Gen.ArrayOf(Gen.Elements("w", "b", "layer/kernel", "é名", "a b", "x\"y", "step"), count)
        select (IReadOnlyDictionary<string, Tensor>)names.Select((n, i) => (Name: $"{n}{i}", Value: tensors[i])).ToDictionary(p => p.Name, p => p.Value);

    [Property(MaxTest = 60)]
    public Property SaveThenLoadGivesBackTheSameTensorsAndMetadata() =>
        Prop.ForAll(Sets.ToArbitrary(), set =>
        {
            var path = PathOf("roundtrip.safetensors");
            var metadata = new Dictionary<string, string> { ["format"] = "pt", ["epoch"] = set.Count.ToString() };
            Checkpoint.Save(path, set, metadata);
            var back = Checkpoint.Read(path);
            Assert.Equal(set.Keys, back.Tensors.Keys);
            foreach (var (name, value) in set)
            {
                Assert.True(value.Equals(back.Tensors[name]), $"{name}: saved {value}, loaded {back.Tensors[name]}");
            }
            Assert.Equal(metadata, back.Metadata);
        });

    [Fact]
    public void TheLayoutIsSafetensors()
    {
        var path = PathOf("layout.safetensors");
        Checkpoint.Save(path, new Dictionary<string, Tensor> { ["a"] = Tensor.FromArray(new float[] { 1, 2 }), ["b"] = Tensor.FromArray(new[] { 3 }) },
            new Dictionary<string, string> { ["k"] = "v" });
        var bytes = File.ReadAllBytes(path);
        var n = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, (8 + n) % 8);
        var header = Encoding.UTF8.GetString(bytes, 8, n).TrimEnd(' ');
        Assert.Equal("""{"__metadata__":{"k":"v"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"I32","shape":[1],"data_offsets":[8,12]}}""", header);
        Assert.Equal(8 + n + 12, bytes.Length);
        Assert.Equal(1f, BitConverter.ToSingle(bytes, 8 + n));
        Assert.Equal(3, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8 + n + 8)));
    }

    [Fact]
    public void AFileWrittenByHandInTheStandardWayLoads()
    {
        // Written the way Python's safetensors writes: no padding requirement, keys in any order, offsets in order.
        var header = """{"y":{"dtype":"F64","shape":[],"data_offsets":[4,12]},"x":{"dtype":"I32","shape":[1],"data_offsets":[0,4]}}""";
        var bytes = Build(header, [.. BitConverter.GetBytes(5), .. BitConverter.GetBytes(2.5)]);
        File.WriteAllBytes(PathOf("hand.safetensors"), bytes);
        var loaded = Checkpoint.Load(PathOf("hand.safetensors"));
        Assert.Equal(["x", "y"], loaded.Keys);
        Assert.Equal(5, loaded["x"].ToIntArray()[0]);
        Assert.Equal(2.5, loaded["y"].ToScalar());
    }

    private static byte[] Build(string header, byte[] data)
    {
        var h = Encoding.UTF8.GetBytes(header);
        var r = new byte[8 + h.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(r, (ulong)h.Length);
        h.CopyTo(r, 8);
        data.CopyTo(r, 8 + h.Length);
        return r;
    }

    public static TheoryData<string, string, int, string> BrokenHeaders => new()
    {
        { "not json", "{\"a\":", 0, "" },
        { "not an object", "[1,2]", 0, "expected the header to be a JSON object" },
        { "unknown dtype", """{"a":{"dtype":"BF16","shape":[1],"data_offsets":[0,2]}}""", 2, "dtype 'BF16' is not supported" },
        { "negative dim", """{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}""", 4, "non-negative 32-bit integers" },
        { "size mismatch", """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}""", 4, "needs 8 bytes" },
        { "gap", """{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8, "leave a gap" },
        { "overlap", """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8, "overlap" },
        { "trailing", """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 8, "trailing" },
        { "beyond the file", """{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", 8, "truncated" },
        { "duplicate", """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8, "names 'a' twice" },
        { "bad offsets", """{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}""", 4, "data_offsets" },
        { "bad metadata", """{"__metadata__":{"k":1}}""", 0, "expected a string" },
        { "huge shape", """{"a":{"dtype":"F32","shape":[65536,65536],"data_offsets":[0,4]}}""", 4, "elements" },
    };

    [Theory]
    [MemberData(nameof(BrokenHeaders))]
    public void BrokenHeadersAreRejectedNamingTheFileAndTheProblem(string why, string header, int dataBytes, string fragment)
    {
        var path = PathOf($"broken-{why.Replace(' ', '-')}.safetensors");
        File.WriteAllBytes(path, Build(header, new byte[dataBytes]));
        var e = Assert.Throws<CorruptFileException>(() => Checkpoint.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(fragment, e.Message);
    }

    [Fact]
    public void AnAbsurdHeaderLengthOrAMissingFileIsRejected()
    {
        var path = PathOf("absurd.safetensors");
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, ulong.MaxValue);
        File.WriteAllBytes(path, bytes);
        Assert.Contains("at most", Assert.Throws<CorruptFileException>(() => Checkpoint.Load(path)).Message);
        File.WriteAllBytes(path, [1, 2, 3]);
        Assert.Contains("8-byte header length", Assert.Throws<CorruptFileException>(() => Checkpoint.Load(path)).Message);
        Assert.Contains("cannot open", Assert.Throws<CorruptFileException>(() => Checkpoint.Load(PathOf("nope.safetensors"))).Message);
    }

    /// <summary>
    /// Mutation fuzzing: every truncation of a valid file, and thousands of random byte flips, insertions and
    /// deletions. Loading either succeeds or throws the documented CorruptFileException, never anything else.
    /// </summary>
    [Fact]
    public void TruncatedOrMutatedFilesOnlyEverThrowCorruptFileException()
    {
        var path = PathOf("valid.safetensors");
        Checkpoint.Save(path, new Dictionary<string, Tensor>
        {
            ["dense/kernel"] = Make(Shape.Of(3, 4), DType.Float32, 1),
            ["dense/bias"] = Make(Shape.Of(4), DType.Float64, 2),
            ["labels"] = Make(Shape.Of(2, 1), DType.Int32, 3),
        }, new Dictionary<string, string> { ["epoch"] = "3" });
        var valid = File.ReadAllBytes(path);
        var target = PathOf("mutated.safetensors");
        void Check(byte[] bytes, string what)
        {
            File.WriteAllBytes(target, bytes);
            try
            {
                Checkpoint.Load(target);
            }
            catch (CorruptFileException e)
            {
                Assert.Contains(target, e.Message);
            }
            catch (Exception e)
            {
                Assert.Fail($"{what}: expected success or CorruptFileException; got {e}");
            }
        }
        for (var n = 0; n < valid.Length; n++)
        {
            Check(valid[..n], $"truncated to {n} bytes");
            Assert.Throws<CorruptFileException>(() => Checkpoint.Load(target));
        }
        var rng = new Random(12345);
        for (var trial = 0; trial < 3000; trial++)
        {
            var bytes = valid.ToList();
            var edits = rng.Next(1, 4);
            for (var e = 0; e < edits; e++)
            {
                var at = rng.Next(bytes.Count);
                switch (rng.Next(4))
                {
                    case 0: bytes[at] = (byte)rng.Next(256); break;
                    case 1: bytes[at] ^= (byte)(1 << rng.Next(8)); break;
                    case 2: bytes.Insert(at, (byte)"{}[]\",:0123456789-e"[rng.Next(19)]); break;
                    default: bytes.RemoveAt(at); break;
                }
            }
            Check(bytes.ToArray(), $"trial {trial}");
        }
    }

    [Fact]
    public void SaveReplacesAnExistingFileAndLeavesNoTemporaryFiles()
    {
        var path = PathOf("replace.safetensors");
        Checkpoint.Save(path, new Dictionary<string, Tensor> { ["v"] = Tensor.Scalar(1.0) });
        Checkpoint.Save(path, new Dictionary<string, Tensor> { ["v"] = Tensor.Scalar(2.0) });
        Assert.Equal(2.0, Checkpoint.Load(path)["v"].ToScalar());
        Assert.Equal([path], Directory.GetFiles(_dir));
    }

    [Fact]
    public void SaveRejectsBadNamesAndValues()
    {
        var path = PathOf("bad.safetensors");
        Assert.Throws<FuncNetException>(() => Checkpoint.Save(path, new Dictionary<string, Tensor> { [""] = Tensor.Scalar(1.0) }));
        Assert.Throws<FuncNetException>(() => Checkpoint.Save(path, new Dictionary<string, Tensor> { ["__metadata__"] = Tensor.Scalar(1.0) }));
        Assert.Throws<FuncNetException>(() => Checkpoint.Save(path, new Dictionary<string, Tensor> { ["x"] = null! }));
        Assert.Throws<ArgumentNullException>(() => Checkpoint.Save(path, null!));
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.GetFiles(_dir));
    }
}
