using System.Runtime.InteropServices;
using FuncNet.Backends.Cuda;

namespace FuncNet.Backends.Tests.Cuda;

/// <summary>
/// On a GPU only (they skip with the driver's reason elsewhere): CopyIn and Download through the pinned
/// staging keep every bit, at sizes around the staging's block and chunk boundaries and well past them,
/// and uploads queued back to back (more than the ring holds) each land where they were sent.
/// </summary>
public class CudaStagedTransferTests
{
    /// <summary>Random bit patterns (NaNs with payloads, denormals, negative zero included), so equality is bitwise.</summary>
    private static Tensor RandomBits(int elements, DType dtype, int seed)
    {
        var bytes = new byte[(long)elements * dtype.SizeInBytes()];
        new Random(seed).NextBytes(bytes);
        var shape = Shape.Of(elements);
        return dtype switch
        {
            DType.Float32 => Tensor.Create(shape, MemoryMarshal.Cast<byte, float>(bytes)),
            DType.Float64 => Tensor.FromSpan(shape, MemoryMarshal.Cast<byte, double>(bytes), DType.Float64),
            _ => Tensor.Create(shape, MemoryMarshal.Cast<byte, int>(bytes)),
        };
    }

    private static byte[] Bits(Tensor t) => t.DType switch
    {
        DType.Float32 => MemoryMarshal.AsBytes(t.ToArray<float>().AsSpan()).ToArray(),
        DType.Float64 => MemoryMarshal.AsBytes(t.ToArray<double>().AsSpan()).ToArray(),
        _ => MemoryMarshal.AsBytes(t.ToArray<int>().AsSpan()).ToArray(),
    };

    public static TheoryData<int, DType> Sizes()
    {
        var chunk = (int)(CudaPinnedStaging.ChunkBytes / 4);
        var block = (int)(CudaPinnedStaging.MinBlock / 4);
        var data = new TheoryData<int, DType>();
        foreach (var n in new[] { 0, 1, 3, block - 1, block, block + 1, chunk, chunk + 1, 3 * chunk - 7, 50 * (1 << 20) / 4 })
        {
            data.Add(n, DType.Float32);
        }
        data.Add(0, DType.Float64);
        data.Add(12_345, DType.Float64);
        data.Add(chunk + 5, DType.Float64);
        data.Add(0, DType.Int32);
        data.Add(7, DType.Int32);
        data.Add(2 * chunk + 1, DType.Int32);
        return data;
    }

    [SkippableTheory, MemberData(nameof(Sizes))]
    public void CopyInThenDownloadKeepsEveryBit(int elements, DType dtype)
    {
        var backend = CudaEnvironment.RequireDevice();
        var host = RandomBits(elements, dtype, elements);
        using var device = backend.Allocate(host.Shape, dtype);
        backend.CopyIn(host, device);
        var back = backend.Download(device);
        Assert.Equal(host.Shape, back.Shape);
        Assert.Equal(dtype, back.DType);
        Assert.True(Bits(host).AsSpan().SequenceEqual(Bits(back)), $"{elements} {dtype} elements changed on the way through the staging");
        Assert.True(backend.PinnedStagingBytes <= (CudaPinnedStaging.UploadSlots + 2) * CudaPinnedStaging.ChunkBytes,
                    $"{backend.PinnedStagingBytes:N0} pinned bytes: the staging should stay bounded by its chunk size");
    }

    [SkippableFact]
    public void UploadsQueuedBackToBackEachLandWhereTheyWereSent()
    {
        var backend = CudaEnvironment.RequireDevice();
        // More uploads than the ring has blocks, of sizes that make blocks grow, before any download.
        var sizes = Enumerable.Range(0, 3 * CudaPinnedStaging.UploadSlots).Select(i => 1 + i * 40_000).ToArray();
        var hosts = sizes.Select((n, i) => RandomBits(n, DType.Float32, 100 + i)).ToArray();
        var devices = hosts.Select(h => backend.Allocate(h.Shape, DType.Float32)).ToArray();
        try
        {
            for (var i = 0; i < hosts.Length; i++) { backend.CopyIn(hosts[i], devices[i]); }
            for (var i = 0; i < hosts.Length; i++)
            {
                Assert.True(Bits(hosts[i]).AsSpan().SequenceEqual(Bits(backend.Download(devices[i]))), $"upload {i} of {sizes[i]} floats");
            }
        }
        finally
        {
            foreach (var d in devices) { d.Dispose(); }
        }
    }

    [SkippableFact]
    public void TransfersFromSeveralThreadsAtOnceKeepTheirData()
    {
        var backend = CudaEnvironment.RequireDevice();
        Parallel.For(0, 8, t =>
        {
            for (var i = 0; i < 20; i++)
            {
                var host = RandomBits(1 + (t * 7919 + i * 104_729) % 300_000, DType.Float32, t * 100 + i);
                using var device = backend.Allocate(host.Shape, DType.Float32);
                backend.CopyIn(host, device);
                Assert.True(Bits(host).AsSpan().SequenceEqual(Bits(backend.Download(device))), $"thread {t}, transfer {i}");
            }
        });
    }
}
