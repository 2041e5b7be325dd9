using System.Runtime.InteropServices;
using FuncNet.Backends.Cuda;

namespace FuncNet.Backends.Tests.Cuda;

/// <summary>
/// The pinned transfer staging on a fake device whose queued copies run only when waited for: blocks are
/// reused only after their copies ran, they grow to the chunk size and no further, large transfers go in
/// chunks, downloads see earlier uploads, and disposing frees every block and event.
/// </summary>
public class CudaPinnedStagingTests
{
    private const ulong Device = FakePinnedTransfers.DeviceBase;
    private const int Chunk = (int)CudaPinnedStaging.ChunkBytes;

    private static byte[] Bytes(int count, int seed)
    {
        var data = new byte[count];
        new Random(seed).NextBytes(data);
        return data;
    }

    private static void Upload(CudaPinnedStaging staging, byte[] data, ulong target)
    {
        var handle = GCHandle.Alloc(data, GCHandleType.Pinned);
        try { staging.Upload(handle.AddrOfPinnedObject(), data.Length, target); }
        finally { handle.Free(); }
    }

    private static byte[] Download(CudaPinnedStaging staging, ulong source, int count)
    {
        var data = new byte[count];
        var handle = GCHandle.Alloc(data, GCHandleType.Pinned);
        try { staging.Download(source, handle.AddrOfPinnedObject(), count); }
        finally { handle.Free(); }
        return data;
    }

    [Fact]
    public void UploadsOnlyQueueUntilTheRingIsFull()
    {
        var device = new FakePinnedTransfers(1 << 20);
        using var staging = new CudaPinnedStaging(device);
        for (var i = 0; i < CudaPinnedStaging.UploadSlots; i++) { Upload(staging, Bytes(1000, i), Device + (ulong)(i * 1000)); }
        Assert.Equal(0, device.Count("wait"));
        Assert.Equal(0, device.Count("sync"));
        Assert.Equal(CudaPinnedStaging.UploadSlots, device.Queued);
        Assert.All(Enumerable.Range(0, CudaPinnedStaging.UploadSlots), i => Assert.Equal(new byte[1000], device.ReadDevice(Device + (ulong)(i * 1000), 1000)));
    }

    [Fact]
    public void ABlockIsWrittenAgainOnlyAfterWaitingForTheEventOfItsLastCopy()
    {
        var device = new FakePinnedTransfers(1 << 20);
        using var staging = new CudaPinnedStaging(device);
        var slots = CudaPinnedStaging.UploadSlots;
        for (var i = 0; i <= slots; i++) { Upload(staging, Bytes(1000, i), Device + (ulong)(i * 1000)); }

        // The first block's event (e1) is waited on before the block is refilled and copied from again.
        var log = device.Log;
        var wait = log.IndexOf("wait e1");
        Assert.True(wait >= 0, string.Join(", ", log));
        Assert.Equal(slots + 1, log.Count(l => l.StartsWith("to-device", StringComparison.Ordinal)));
        Assert.Equal(slots, log.Take(wait).Count(l => l.StartsWith("to-device", StringComparison.Ordinal)));
        Assert.Equal(1, device.Count("wait"));
        Assert.Empty(device.Hazards);
        // Waiting ran the first copy only: the device is exactly as slow as allowed.
        Assert.Equal(Bytes(1000, 0), device.ReadDevice(Device, 1000));
        Assert.Equal(slots, device.Queued);
        device.Synchronize();
        for (var i = 0; i <= slots; i++) { Assert.Equal(Bytes(1000, i), device.ReadDevice(Device + (ulong)(i * 1000), 1000)); }
        Assert.Equal(slots, device.LiveBlocks);
    }

    [Fact]
    public void ManyUploadsOfMixedSizesNeverOverwriteDataTheDeviceHasNotRead()
    {
        var device = new FakePinnedTransfers(64 << 20);
        using var staging = new CudaPinnedStaging(device);
        var random = new Random(7);
        var expected = new List<(ulong Address, byte[] Data)>();
        ulong at = Device;
        for (var i = 0; i < 60; i++)
        {
            var size = random.Next(4) switch { 0 => random.Next(1, 100), 1 => random.Next(1, 200_000), 2 => random.Next(1, Chunk), _ => random.Next(Chunk, 2 * Chunk + 100) };
            if (at + (ulong)size > Device + (64 << 20)) { break; }
            var data = Bytes(size, i);
            Upload(staging, data, at);
            expected.Add((at, data));
            at += (ulong)size;
        }
        device.Synchronize();
        Assert.Empty(device.Hazards);
        foreach (var (address, data) in expected) { Assert.Equal(data, device.ReadDevice(address, data.Length)); }
        Assert.True(staging.PinnedBytes <= CudaPinnedStaging.UploadSlots * CudaPinnedStaging.ChunkBytes);
        Assert.Equal(device.PinnedBytes, staging.PinnedBytes);
    }

    [Fact]
    public void TheSourceMayChangeAsSoonAsUploadReturns()
    {
        var device = new FakePinnedTransfers(1 << 20);
        using var staging = new CudaPinnedStaging(device);
        var data = Bytes(5000, 1);
        var original = data.ToArray();
        Upload(staging, data, Device);
        Array.Clear(data);
        device.Synchronize();
        Assert.Equal(original, device.ReadDevice(Device, 5000));
    }

    [Theory]
    [InlineData(1, 64 << 10)]
    [InlineData(64 << 10, 64 << 10)]
    [InlineData((64 << 10) + 1, 128 << 10)]
    [InlineData(3 << 20, 4 << 20)]
    [InlineData(4 << 20, 4 << 20)]
    [InlineData(100 << 20, 4 << 20)]
    public void BlocksGrowByPowersOfTwoFromTheMinimumToTheChunkSize(long bytes, long block) =>
        Assert.Equal(block, CudaPinnedStaging.BlockSize(bytes));

    [Fact]
    public void ABlockGrowsWhenATransferOutgrowsIt()
    {
        var device = new FakePinnedTransfers(16 << 20);
        using var staging = new CudaPinnedStaging(device);
        var slots = CudaPinnedStaging.UploadSlots;
        for (var i = 0; i < slots; i++) { Upload(staging, Bytes(10, i), Device); }
        Assert.Equal(Enumerable.Repeat(CudaPinnedStaging.MinBlock, slots), device.Allocations);
        Upload(staging, Bytes(10, 9), Device); // the first block again: big enough, nothing allocated
        Assert.Equal(slots, device.Allocations.Count);

        Upload(staging, Bytes(300_000, 10), Device + 100); // the second block: freed and grown to 512 KiB
        Assert.Equal(512 << 10, device.Allocations[^1]);
        Assert.Equal(1, device.Count("free"));
        Assert.Equal(slots, device.LiveBlocks);
        Assert.Equal((slots - 1) * CudaPinnedStaging.MinBlock + (512 << 10), staging.PinnedBytes);
        device.Synchronize();
        Assert.Empty(device.Hazards);
        Assert.Equal(Bytes(300_000, 10), device.ReadDevice(Device + 100, 300_000));
    }

    [Fact]
    public void LargeTransfersGoThroughInChunksAndRoundTrip()
    {
        var device = new FakePinnedTransfers(16 << 20);
        using var staging = new CudaPinnedStaging(device);
        var data = Bytes(2 * Chunk + 12345, 3);
        Upload(staging, data, Device);
        Assert.Equal(3, device.Count("to-device"));
        Assert.Equal(CudaPinnedStaging.ChunkBytes, device.Allocations.Max());

        var back = Download(staging, Device, data.Length);
        Assert.Equal(data, back);
        Assert.Equal(3, device.Count("to-host"));
        Assert.Equal(3, device.Count("sync"));
        Assert.Empty(device.Hazards);
    }

    [Fact]
    public void ADownloadSeesEveryEarlierUploadAndReusesItsBlock()
    {
        var device = new FakePinnedTransfers(1 << 20);
        using var staging = new CudaPinnedStaging(device);
        for (var i = 0; i < 10; i++) { Upload(staging, Bytes(100, i), Device + (ulong)(i * 100)); }
        Assert.Equal(Bytes(100, 9), Download(staging, Device + 900, 100));
        var allocations = device.Allocations.Count;
        device.WriteDevice(Device, [1, 2, 3]);
        Assert.Equal(new byte[] { 1, 2, 3 }, Download(staging, Device, 3));
        Assert.Equal(allocations, device.Allocations.Count);
        Assert.Empty(device.Hazards);
    }

    [Fact]
    public void ZeroBytesTouchNothing()
    {
        var device = new FakePinnedTransfers(1024);
        using var staging = new CudaPinnedStaging(device);
        Upload(staging, [], Device);
        Assert.Empty(Download(staging, Device, 0));
        Assert.Empty(device.Log);
    }

    [Fact]
    public void DisposeWaitsForQueuedCopiesThenFreesEveryBlockAndEvent()
    {
        var device = new FakePinnedTransfers(16 << 20);
        var staging = new CudaPinnedStaging(device);
        for (var i = 0; i < 6; i++) { Upload(staging, Bytes(100_000 * (i + 1), i), Device + (ulong)(i * 1_000_000)); }
        Download(staging, Device, 10);
        Upload(staging, Bytes(1000, 42), Device + 10_000_000);
        Assert.Equal(1, device.Queued);

        staging.Dispose();
        Assert.Empty(device.Hazards); // the queued copy ran before its block was freed
        Assert.Equal(0, device.LiveBlocks);
        Assert.Equal(0, device.LiveEvents);
        Assert.Equal(0, staging.PinnedBytes);
        Assert.Equal(Bytes(1000, 42), device.ReadDevice(Device + 10_000_000, 1000));
        staging.Dispose();
        Assert.Throws<ObjectDisposedException>(() => Upload(staging, [1], Device));
        Assert.Throws<ObjectDisposedException>(() => Download(staging, Device, 1));
    }

    [Fact]
    public void ADownloadInFlightWhenTheStagingIsDisposedFreesItsBlockWhenItEnds()
    {
        var device = new FakePinnedTransfers(1024);
        var staging = new CudaPinnedStaging(device);
        device.WriteDevice(Device, [7, 8, 9]);
        device.OnSynchronize = staging.Dispose;
        Assert.Equal(new byte[] { 7, 8, 9 }, Download(staging, Device, 3));
        Assert.Equal(0, device.LiveBlocks);
        Assert.Equal(0, staging.PinnedBytes);
    }

    [Fact]
    public void AFailedPinningLeavesTheStagingUsableAndItsCountersRight()
    {
        var device = new FakePinnedTransfers(16 << 20, hostLimit: 1 << 20);
        using var staging = new CudaPinnedStaging(device);
        Upload(staging, Bytes(1000, 1), Device);
        Assert.Throws<CudaException>(() => Upload(staging, Bytes(2 << 20, 2), Device)); // needs a 2 MiB block
        Assert.Equal(device.PinnedBytes, staging.PinnedBytes);
        Upload(staging, Bytes(1000, 3), Device + 1000);
        device.Synchronize();
        Assert.Equal(Bytes(1000, 1), device.ReadDevice(Device, 1000));
        Assert.Equal(Bytes(1000, 3), device.ReadDevice(Device + 1000, 1000));
        Assert.Equal(device.PinnedBytes, staging.PinnedBytes);
        Assert.Empty(device.Hazards);
    }

    [Fact]
    public void TransfersFromSeveralThreadsAtOnceStayCorrect()
    {
        const int threads = 8, transfers = 40, region = 300_000;
        var device = new FakePinnedTransfers(threads * region);
        using var staging = new CudaPinnedStaging(device);
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            var random = new Random(t);
            var address = Device + (ulong)(t * region);
            for (var i = 0; i < transfers; i++)
            {
                var data = Bytes(random.Next(1, region), t * 1000 + i);
                Upload(staging, data, address);
                Assert.Equal(data, Download(staging, address, data.Length));
            }
        });
        Assert.Empty(device.Hazards);
        Assert.Equal(device.PinnedBytes, staging.PinnedBytes);
    }
}
