using System.Runtime.InteropServices;
using FuncNet.Backends.Cuda;

namespace FuncNet.Backends.Tests.Cuda;

/// <summary>
/// A device for the staging tests that is as slow as it may legally be: pinned blocks are native
/// allocations, device memory is an array, and enqueued copies run only when an event recorded after them
/// is waited on or the stream is synchronized. Reusing a block too early therefore shows up as wrong data,
/// and is also caught where it happens: enqueueing a copy from (or into, or freeing) a block that a queued
/// copy still uses is recorded in <see cref="Hazards"/>. Thread-safe, like the driver.
/// </summary>
internal sealed class FakePinnedTransfers(long deviceBytes, long hostLimit = long.MaxValue) : IPinnedTransfers
{
    /// <summary>The device address of the first byte of device memory.</summary>
    public const ulong DeviceBase = 0x7000_0000;

    private abstract record Operation;
    private sealed record ToDevice(ulong Target, nint Source, long Bytes) : Operation;
    private sealed record ToHost(nint Target, ulong Source, long Bytes) : Operation;
    private sealed record Record(nint Event) : Operation;

    private readonly object _lock = new();
    private readonly byte[] _device = new byte[deviceBytes];
    private readonly Dictionary<nint, long> _blocks = new();
    private readonly HashSet<nint> _events = new();
    private readonly List<Operation> _queue = new();
    private nint _nextEvent = 1;

    /// <summary>What happened, in order: <c>alloc N</c>, <c>free</c>, <c>event eK</c>, <c>record eK</c>, <c>wait eK</c>, <c>to-device N</c>, <c>to-host N</c>, <c>sync</c>.</summary>
    public List<string> Log { get; } = new();

    /// <summary>Blocks written, enqueued from or freed while a queued copy still used them.</summary>
    public List<string> Hazards { get; } = new();

    /// <summary>Block sizes allocated, in order.</summary>
    public List<long> Allocations { get; } = new();

    /// <summary>Runs after a synchronization (outside the fake's lock): lets a test act while a download is in flight.</summary>
    public Action? OnSynchronize { get; set; }

    public int LiveBlocks { get { lock (_lock) { return _blocks.Count; } } }

    public long PinnedBytes { get { lock (_lock) { return _blocks.Values.Sum(); } } }

    public int LiveEvents { get { lock (_lock) { return _events.Count; } } }

    /// <summary>Enqueued copies that have not run yet.</summary>
    public int Queued { get { lock (_lock) { return _queue.Count(o => o is not Record); } } }

    public int Count(string prefix) { lock (_lock) { return Log.Count(l => l.StartsWith(prefix, StringComparison.Ordinal)); } }

    public nint AllocateHost(long bytes)
    {
        lock (_lock)
        {
            if (_blocks.Values.Sum() + bytes > hostLimit) { throw new CudaException($"fake: cannot pin {bytes} bytes", 2); }
            var block = Marshal.AllocHGlobal((nint)bytes);
            _blocks[block] = bytes;
            Allocations.Add(bytes);
            Log.Add($"alloc {bytes}");
            return block;
        }
    }

    public void FreeHost(nint block)
    {
        lock (_lock)
        {
            Assert.True(_blocks.ContainsKey(block), "freed a block that is not allocated");
            if (UsedByQueue(block, _blocks[block])) { Hazards.Add("freed a block a queued copy uses"); }
            _blocks.Remove(block);
            Marshal.FreeHGlobal(block);
            Log.Add("free");
        }
    }

    public nint CreateEvent()
    {
        lock (_lock)
        {
            var e = _nextEvent++;
            _events.Add(e);
            Log.Add($"event e{e}");
            return e;
        }
    }

    public void DestroyEvent(nint handle)
    {
        lock (_lock)
        {
            Assert.True(_events.Remove(handle), "destroyed an unknown event");
        }
    }

    public void RecordEvent(nint handle)
    {
        lock (_lock)
        {
            Assert.Contains(handle, _events);
            _queue.Add(new Record(handle));
            Log.Add($"record e{handle}");
        }
    }

    public void WaitEvent(nint handle)
    {
        lock (_lock)
        {
            Assert.Contains(handle, _events);
            Log.Add($"wait e{handle}");
            var last = _queue.FindLastIndex(o => o is Record r && r.Event == handle);
            RunUpTo(last);
        }
    }

    public void CopyToDevice(ulong target, nint source, long bytes)
    {
        lock (_lock)
        {
            Assert.True(InsideBlock(source, bytes), "copy to the device from memory that is not a pinned block");
            // The staging wrote this range just before enqueueing: a queued copy reading it would now read the new data.
            if (UsedByQueue(source, bytes)) { Hazards.Add($"wrote into a block a queued copy still reads ({bytes} bytes)"); }
            _queue.Add(new ToDevice(target, source, bytes));
            Log.Add($"to-device {bytes}");
        }
    }

    public void CopyToHost(nint target, ulong source, long bytes)
    {
        lock (_lock)
        {
            Assert.True(InsideBlock(target, bytes), "copy from the device into memory that is not a pinned block");
            if (UsedByQueue(target, bytes)) { Hazards.Add($"a download into a block a queued copy still uses ({bytes} bytes)"); }
            _queue.Add(new ToHost(target, source, bytes));
            Log.Add($"to-host {bytes}");
        }
    }

    public void Synchronize()
    {
        lock (_lock)
        {
            RunUpTo(_queue.Count - 1);
            Log.Add("sync");
        }
        OnSynchronize?.Invoke();
    }

    /// <summary>The device's bytes at <paramref name="address"/> as they are now (queued copies not run).</summary>
    public byte[] ReadDevice(ulong address, int bytes)
    {
        lock (_lock) { return _device.AsSpan(Offset(address, bytes), bytes).ToArray(); }
    }

    /// <summary>Sets device bytes directly, as a kernel would have.</summary>
    public void WriteDevice(ulong address, byte[] data)
    {
        lock (_lock) { data.CopyTo(_device.AsSpan(Offset(address, data.Length))); }
    }

    private int Offset(ulong address, long bytes)
    {
        Assert.True(address >= DeviceBase && address - DeviceBase + (ulong)bytes <= (ulong)_device.Length, "outside the fake device's memory");
        return (int)(address - DeviceBase);
    }

    private void RunUpTo(int last)
    {
        for (var i = 0; i <= last; i++)
        {
            switch (_queue[i])
            {
                case ToDevice c:
                    Marshal.Copy(c.Source, _device, Offset(c.Target, c.Bytes), (int)c.Bytes);
                    break;
                case ToHost c:
                    Marshal.Copy(_device, Offset(c.Source, c.Bytes), c.Target, (int)c.Bytes);
                    break;
            }
        }
        _queue.RemoveRange(0, last + 1);
    }

    private bool InsideBlock(nint pointer, long bytes) =>
        _blocks.Any(b => pointer >= b.Key && pointer + (nint)bytes <= b.Key + (nint)b.Value);

    private bool UsedByQueue(nint pointer, long bytes) => _queue.Any(o => o switch
    {
        ToDevice c => Overlaps(c.Source, c.Bytes, pointer, bytes),
        ToHost c => Overlaps(c.Target, c.Bytes, pointer, bytes),
        _ => false,
    });

    private static bool Overlaps(nint a, long aBytes, nint b, long bBytes) => a < b + (nint)bBytes && b < a + (nint)aBytes;
}
