using System.Diagnostics;

namespace FuncNet.Compilation;

/// <summary>
/// Where a plan's runs spend their time, kernel by kernel: while <see cref="Active"/>, every eager run times each
/// kernel and adds it to its op and shapes' total. For <c>funcnet bench --profile</c>; off, it costs one flag
/// test per run. Process-wide and not for concurrent runs (the totals are unsynchronized).
/// </summary>
internal static class KernelProfile
{
    private static readonly Dictionary<string, (double Seconds, long Calls, long Bytes)> Totals = new();

    /// <summary>Whether runs are being timed.</summary>
    public static bool Active { get; private set; }

    /// <summary>Clears the totals and starts timing.</summary>
    public static void Start()
    {
        Totals.Clear();
        Active = true;
    }

    /// <summary>Stops timing and returns the totals, largest first: op and shapes, seconds, calls, managed bytes allocated.</summary>
    public static IReadOnlyList<(string Kernel, double Seconds, long Calls, long Bytes)> Stop()
    {
        Active = false;
        return Totals.OrderByDescending(t => t.Value.Seconds).Select(t => (t.Key, t.Value.Seconds, t.Value.Calls, t.Value.Bytes)).ToList();
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
        var (s, c, b) = Totals.GetValueOrDefault(key);
        Totals[key] = (s + seconds, c + 1, b + bytes);
    }
}
