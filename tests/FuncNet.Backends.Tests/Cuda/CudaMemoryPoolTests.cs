using FuncNet.Backends.Cuda;

namespace FuncNet.Backends.Tests.Cuda;

/// <summary>The caching allocator on a fake device with a fixed capacity: reuse, counters, and out-of-memory without leaks.</summary>
public class CudaMemoryPoolTests
{
    private sealed class FakeDevice(long capacity) : IDeviceMemory
    {
        private readonly Dictionary<ulong, long> _blocks = new();
        private ulong _next = 0x1000;

        public int Allocations { get; private set; }

        public long Used => _blocks.Values.Sum();

        public bool TryAllocate(long bytes, out ulong pointer)
        {
            pointer = 0;
            if (Used + bytes > capacity) { return false; }
            Allocations++;
            pointer = _next;
            _next += (ulong)bytes;
            _blocks[pointer] = bytes;
            return true;
        }

        public void Free(ulong pointer) => Assert.True(_blocks.Remove(pointer), "double free");
    }

    [Theory]
    [InlineData(1, 512)]
    [InlineData(513, 1024)]
    [InlineData(1 << 20, 1 << 20)]
    [InlineData((1 << 20) + 1, 2 << 20)]
    public void SizesRoundUpToBuckets(long bytes, long bucket) => Assert.Equal(bucket, CudaMemoryPool.Bucket(bytes));

    [Fact]
    public void ASecondStepWithTheSameSizesAllocatesNothing()
    {
        var device = new FakeDevice(1 << 30);
        using var pool = new CudaMemoryPool(device);
        for (var step = 0; step < 3; step++)
        {
            var blocks = new[] { 1000L, 4000, 3 << 20 }.Select(pool.Rent).ToArray();
            Assert.Equal(3, pool.LiveBuffers);
            foreach (var (p, s) in blocks) { pool.Return(p, s); }
        }
        Assert.Equal(3, device.Allocations);
        Assert.Equal(0, pool.LiveBuffers);
        Assert.Equal(0, pool.LiveBytes);
        Assert.Equal(1024 + 4096 + (3 << 20), pool.CachedBytes);
    }

    [Fact]
    public void OutOfMemoryReleasesTheCacheRetriesThenThrowsAFuncNetException()
    {
        var device = new FakeDevice(4 << 20);
        using var pool = new CudaMemoryPool(device);
        var (p, s) = pool.Rent(3 << 20);
        pool.Return(p, s);
        var big = pool.Rent(4 << 20); // fits only once the cached 3 MiB block is freed
        Assert.Equal(0, pool.CachedBytes);
        var e = Assert.Throws<CudaOutOfMemoryException>(() => pool.Rent(1));
        Assert.IsAssignableFrom<FuncNetException>(e);
        Assert.Contains("out of memory", e.Message);
        Assert.Equal(1, pool.LiveBuffers);
        pool.Return(big.Pointer, big.Size);
        pool.ReleaseCached();
        Assert.Equal(0, device.Used);
        Assert.Equal(0, pool.LiveBuffers);
    }
}
