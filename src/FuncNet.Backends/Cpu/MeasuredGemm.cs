using System.Collections.Concurrent;
using System.Diagnostics;
using System.Numerics;

namespace FuncNet.Backends.Cpu;

/// <summary>
/// Picks, for each GEMM shape (element type, m, n, k, transpose flags), the fastest of several providers
/// by timing them on the first call of that shape, and remembers the choice for the process. A plan calls
/// the same shapes every step, so the measurement is paid once. Choices are reported by <see cref="Choices"/>.
/// Tiny shapes (<see cref="TinyGemm.Serves"/>) are not measured: they run the managed loop at once, since
/// even the lookup of a choice costs more than their arithmetic (the seed net ran 2.6 × slower on <c>auto</c>
/// than on <c>managed</c> while its 4 × 4 products went through it).
/// Float64 shapes are measured among the providers that serve Float64 only (oneDNN multiplies Float32 alone).
/// </summary>
internal sealed class MeasuredGemm : IGemm
{
    private readonly ConcurrentDictionary<(Type, int, int, int, bool, bool), IGemm> _choice = new();
    private readonly IGemm[] _float32;
    private readonly IGemm[] _float64;

    /// <summary>Measures among the given providers; at least one of them must serve Float64.</summary>
    public MeasuredGemm(IReadOnlyList<IGemm> providers)
    {
        _float32 = [.. providers];
        _float64 = [.. providers.Where(p => p.ServesFloat64)];
        Name = string.Join("+", providers.Select(p => p.Name));
        if (_float32.Length == 0 || _float64.Length == 0)
        {
            throw new ArgumentException($"MeasuredGemm needs a provider for each element type; given {Name}.", nameof(providers));
        }
    }

    // Joined once: the backend's name is read on every tensor operation (ownership checks), and joining per
    // read cost the seed net more than its arithmetic.
    public string Name { get; }

    /// <summary>The provider chosen per measured shape so far (tiny shapes, always the managed loop, are not listed).</summary>
    public IReadOnlyDictionary<string, string> Choices =>
        _choice.ToDictionary(c => $"{c.Key.Item1.Name} m={c.Key.Item2} n={c.Key.Item3} k={c.Key.Item4}{(c.Key.Item5 ? " Aᵀ" : "")}{(c.Key.Item6 ? " Bᵀ" : "")}", c => c.Value.Name);

    public void Gemm<T>(bool transA, bool transB, int m, int n, int k, T alpha,
                        T[] a, int aOffset, int lda, T[] b, int bOffset, int ldb, T beta, T[] c, int cOffset, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (TinyGemm.Serves(m, n, k))
        {
            TinyGemm.Gemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
            return;
        }
        var providers = typeof(T) == typeof(double) ? _float64 : _float32;
        var key = (typeof(T), m, n, k, transA, transB);
        if (!_choice.TryGetValue(key, out var gemm))
        {
            // Trial runs write C, so they are only possible when C's old contents do not matter (β = 0);
            // otherwise the first provider serves until a β = 0 call of this shape decides.
            if (beta != T.Zero)
            {
                providers[0].Gemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
                return;
            }
            // No GetOrAdd with a lambda: capturing the parameters would allocate a closure on every call, hit or miss.
            // Two threads may both measure a new shape; the first stored choice wins.
            gemm = _choice.GetOrAdd(key, Fastest(providers, transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc));
        }
        gemm.Gemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
    }

    private static IGemm Fastest<T>(IGemm[] providers, bool transA, bool transB, int m, int n, int k, T alpha,
                             T[] a, int aOffset, int lda, T[] b, int bOffset, int ldb, T[] c, int cOffset, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        IGemm best = providers[0];
        var bestTime = double.MaxValue;
        foreach (var p in providers)
        {
            // One warm-up, then the best of three: robust against a noisy neighbour.
            p.Gemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, T.Zero, c, cOffset, ldc);
            for (var trial = 0; trial < 3; trial++)
            {
                var start = Stopwatch.GetTimestamp();
                p.Gemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, T.Zero, c, cOffset, ldc);
                var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
                if (elapsed < bestTime)
                {
                    (best, bestTime) = (p, elapsed);
                }
            }
        }
        return best;
    }
}
