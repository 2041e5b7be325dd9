using FuncNet.Data;
using System.IO.Compression;
using FuncNet.Cli.FashionMnist;

namespace FuncNet.Cli.Tests;

/// <summary>A valid Fashion-MNIST look-alike of a few examples per split, written as the four idx.gz files into a folder.</summary>
public static class TinyDataSet
{
    public static byte[] Idx(int magic, int[] dims, byte[] data)
    {
        var bytes = new List<byte>();
        void Int(int v) => bytes.AddRange([(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v]);
        Int(magic);
        foreach (var d in dims) { Int(d); }
        bytes.AddRange(data);
        return bytes.ToArray();
    }

    public static byte[] Gzip(byte[] raw)
    {
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Fastest)) { gzip.Write(raw); }
        return memory.ToArray();
    }

    /// <summary>Writes <paramref name="n"/> images and labels per split into <paramref name="dir"/>; returns the folder.</summary>
    public static string Write(string dir, int n)
    {
        var images = Gzip(Idx(0x803, [n, 28, 28], new byte[n * 784]));
        var labels = Gzip(Idx(0x801, [n], Enumerable.Range(0, n).Select(i => (byte)(i % 10)).ToArray()));
        foreach (var prefix in new[] { "train", "t10k" })
        {
            File.WriteAllBytes(Path.Combine(dir, $"{prefix}-images-idx3-ubyte.gz"), images);
            File.WriteAllBytes(Path.Combine(dir, $"{prefix}-labels-idx1-ubyte.gz"), labels);
        }
        Assert.True(Data.FashionMnist.IsPresent(dir));
        return dir;
    }
}
