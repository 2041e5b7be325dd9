namespace FuncNet.Backends.Cpu;

/// <summary>
/// Per-thread scratch arrays, grown as needed and kept, so a kernel in steady state allocates nothing. Each user
/// keeps its own <c>[ThreadStatic]</c> slot, so a kernel that calls another (a convolution calling the GEMM) never
/// gets a buffer that is still in use.
/// </summary>
internal static class ThreadScratch
{
    /// <summary>The array in <paramref name="slot"/> if it holds at least <paramref name="length"/> elements, else a new one stored there.</summary>
    public static T[] Get<T>(ref T[]? slot, int length) => slot is { } s && s.Length >= length ? s : slot = new T[Math.Max(1, length)];
}
