using FuncNet.Backends.Cpu;
using FuncNet.Backends.Cpu.OneDnn;

namespace FuncNet.Backends.Tests.Cpu;

/// <summary><c>dnnl_sgemm</c> against the definition, and its place in the measured per-shape choice (Float32 only).</summary>
public class OneDnnGemmTests
{
    private static void CheckFloat32(IGemm gemm, bool ta, bool tb, int m, int n, int k, int seed)
    {
        var rng = new Random(seed);
        float Next() => (float)(rng.NextDouble() * 2 - 1);
        int lda = (ta ? m : k) + 1, ldb = (tb ? k : n) + 2, ldc = n + 3;
        var a = Enumerable.Range(0, 5 + lda * (ta ? k : m)).Select(_ => Next()).ToArray();
        var b = Enumerable.Range(0, 3 + ldb * (tb ? n : k)).Select(_ => Next()).ToArray();
        var c = Enumerable.Range(0, 7 + ldc * m).Select(_ => Next()).ToArray();
        var (alpha, beta) = (0.5f + (float)rng.NextDouble(), seed % 3 == 0 ? 0f : Next());
        var expected = c.Select(v => (double)v).ToArray();
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var s = 0.0;
                for (var p = 0; p < k; p++)
                {
                    s += (double)(ta ? a[5 + p * lda + i] : a[5 + i * lda + p]) * (tb ? b[3 + j * ldb + p] : b[3 + p * ldb + j]);
                }
                expected[7 + i * ldc + j] = alpha * s + beta * c[7 + i * ldc + j];
            }
        }
        gemm.Gemm(ta, tb, m, n, k, alpha, a, 5, lda, b, 3, ldb, beta, c, 7, ldc);
        for (var i = 0; i < c.Length; i++)
        {
            // Float32 sums of up to 400 terms of size ≤ 1: a relative 1e-4 of the sum's scale.
            Assert.True(Math.Abs(expected[i] - c[i]) <= 1e-4 * (1 + Math.Abs(expected[i]) + Math.Sqrt(k)), $"{gemm.Name} m={m} n={n} k={k} ta={ta} tb={tb}: element {i} is {c[i]}, expected {expected[i]}");
        }
    }

    [SkippableTheory]
    [InlineData(1)]
    [InlineData(2)]
    public void OneDnnGemmMatchesTheDefinitionOnOneOrSeveralThreads(int threads)
    {
        var gemm = new OneDnnGemm(OneDnnEnvironment.Require(), threads);
        var seed = 1;
        foreach (var (m, n, k) in new[] { (1, 1, 1), (7, 3, 5), (64, 65, 66), (300, 20, 200), (5, 400, 300), (256, 512, 784) })
        {
            foreach (var ta in new[] { false, true })
            {
                foreach (var tb in new[] { false, true })
                {
                    CheckFloat32(gemm, ta, tb, m, n, k, seed++);
                }
            }
        }
    }

    [SkippableFact]
    public void OneDnnGemmRefusesFloat64()
    {
        var gemm = new OneDnnGemm(OneDnnEnvironment.Require(), 1);
        var e = Assert.ThrowsAny<FuncNetException>(() => gemm.Gemm(false, false, 2, 2, 2, 1.0, new double[4], 0, 2, new double[4], 0, 2, 0.0, new double[4], 0, 2));
        Assert.Contains("Float32 only", e.Message);
    }

    [SkippableFact]
    public void TheFastestNativeBackendMeasuresOneDnnAmongItsGemms()
    {
        OneDnnEnvironment.Require();
        using var backend = CpuBackend.CreateFastestNative();
        Assert.NotNull(backend);
        Assert.Contains("onednn", backend.Name.Split('+'));
        // And, with more than one thread, oneDNN partitioning each product itself, as a provider of its own.
        if (WorkerPool.Threads > 1 && OneDnnEnvironment.Require().FixedThreads is null)
        {
            Assert.Contains($"onednn-{WorkerPool.Threads}t", backend.Name.Split('+'));
        }
    }

    /// <summary>A provider that serves Float32 only, as oneDNN does: it fails any Float64 call and counts Float32 ones.</summary>
    private sealed class Float32OnlyGemm : IGemm
    {
        public string Name => "float32-only";

        public bool ServesFloat64 => false;

        public int Calls { get; private set; }

        public void Gemm<T>(bool transA, bool transB, int m, int n, int k, T alpha, T[] a, int aOffset, int lda, T[] b, int bOffset, int ldb, T beta, T[] c, int cOffset, int ldc)
            where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            Assert.Equal(typeof(float), typeof(T));
            Calls++;
            new ManagedGemm().Gemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
        }
    }

    [Fact]
    public void MeasuredGemmMeasuresAFloat32OnlyProviderForFloat32AndNeverCallsItForFloat64()
    {
        var float32Only = new Float32OnlyGemm();
        // First in the list: with β ≠ 0 on an unmeasured shape the first eligible provider serves, and for Float64 that is not this one.
        var measured = new MeasuredGemm([float32Only, new ManagedGemm()]);
        var (m, n, k) = (40, 30, 20);
        measured.Gemm(false, false, m, n, k, 1.0, new double[m * k], 0, k, new double[k * n], 0, n, 0.5, new double[m * n], 0, n);
        measured.Gemm(false, true, m, n, k, 1.0, new double[m * k], 0, k, new double[n * k], 0, k, 0.0, new double[m * n], 0, n);
        Assert.Equal(0, float32Only.Calls);
        Assert.Equal("managed", Assert.Single(measured.Choices).Value);
        measured.Gemm(false, false, m, n, k, 1f, new float[m * k], 0, k, new float[k * n], 0, n, 0f, new float[m * n], 0, n);
        Assert.True(float32Only.Calls > 0, "the Float32-only provider was not measured for a Float32 shape");
        Assert.Equal(2, measured.Choices.Count);
    }

    [Fact]
    public void MeasuredGemmNeedsAProviderForFloat64()
    {
        var e = Assert.Throws<ArgumentException>(() => new MeasuredGemm([new Float32OnlyGemm()]));
        Assert.Contains("float32-only", e.Message);
    }
}
