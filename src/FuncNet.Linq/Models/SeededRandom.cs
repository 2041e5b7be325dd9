namespace FuncNet.Linq;

/// <summary>
/// SplitMix64 with Box–Muller normals: a small generator whose sequence is fixed by its seed on every
/// runtime (System.Random's algorithm is an implementation detail), so a model built with a seed is the
/// same model everywhere.
/// </summary>
internal sealed class SeededRandom
{
    private ulong _state;

    public SeededRandom(ulong seed) => _state = seed;

    /// <summary>A stream for one parameter: the model seed mixed with a stable hash of the parameter's name, so values do not depend on declaration order.</summary>
    public static SeededRandom For(int seed, string name)
    {
        var h = 14695981039346656037UL; // FNV-1a: string.GetHashCode is randomized per process.
        foreach (var c in name)
        {
            h = (h ^ c) * 1099511628211UL;
        }
        return new SeededRandom(h ^ (ulong)(uint)seed * 0x9E3779B97F4A7C15UL);
    }

    private ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Standard normal.</summary>
    public double NextNormal()
    {
        var u = 1.0 - NextDouble();
        var v = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * v);
    }
}
