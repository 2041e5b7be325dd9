using System.Diagnostics;

namespace FuncNet.Compilation;

/// <summary>
/// Where a plan's runs spend their time, kernel by kernel: while <see cref="Active"/> on a thread, every eager run
/// on that thread times each kernel and adds it to its op and shapes' total. For <c>funcnet bench --profile</c>;
/// off, it costs one flag test per run. Per thread, so plans that other threads run meanwhile are neither timed
/// nor slowed, and the totals need no lock.
/// </summary>
internal static class KernelProfile
{
    [ThreadStatic] private static Dictionary<string, (double Seconds, long Calls, long Bytes)>? _totals;
    [ThreadStatic] private static bool _active;

    /// <summary>Whether runs on this thread are being timed.</summary>
    public static bool Active => _active;

    /// <summary>Clears this thread's totals and starts timing its runs.</summary>
    public static void Start()
    {
        (_totals ??= new()).Clear();
        _active = true;
    }

    /// <summary>Stops timing and returns this thread's totals, largest first: op and shapes, seconds, calls, managed bytes allocated.</summary>
    public static IReadOnlyList<(string Kernel, double Seconds, long Calls, long Bytes)> Stop()
    {
        _active = false;
        return (_totals ?? []).OrderByDescending(t => t.Value.Seconds).Select(t => (t.Key, t.Value.Seconds, t.Value.Calls, t.Value.Bytes)).ToList();
    }

    /// <summary>Runs one kernel, timing it (and the managed bytes it allocates) under its node's op name and its output and input shapes.</summary>
    public static void Run(IKernel kernel, Expr node, DeviceTensor[] arguments, DeviceTensor output)
    {
        var bytes = GC.GetAllocatedBytesForCurrentThread();
        var start = Stopwatch.GetTimestamp();
        kernel.Run(arguments, output);
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        bytes = GC.GetAllocatedBytesForCurrentThread() - bytes;
        var key = $"{node.Op.GetType().Name} {output.Shape} <- {string.Join(", ", arguments.Select(a => a.Shape.ToString()))} [{kernel.GetType().Name}]";
        var totals = _totals!;
        var (s, c, b) = totals.GetValueOrDefault(key);
        totals[key] = (s + seconds, c + 1, b + bytes);
    }
}
