using FsCheck;
using FsCheck.Fluent;
using FuncNet.Backends.Cpu;

namespace FuncNet.Backends.Tests.Cpu;

/// <summary>The GEMMs against the textbook triple loop, on random sizes, flags, offsets, α and β.</summary>
public class GemmTests
{
    private static double[] Naive(bool ta, bool tb, int m, int n, int k, double alpha, double[] a, int ao, int lda, double[] b, int bo, int ldb, double beta, double[] c, int co, int ldc)
    {
        var r = (double[])c.Clone();
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var s = 0.0;
                for (var p = 0; p < k; p++)
                {
                    s += (ta ? a[ao + p * lda + i] : a[ao + i * lda + p]) * (tb ? b[bo + j * ldb + p] : b[bo + p * ldb + j]);
                }
                r[co + i * ldc + j] = alpha * s + beta * c[co + i * ldc + j];
            }
        }
        return r;
    }

    private static void Check(IGemm gemm, bool ta, bool tb, int m, int n, int k, int seed)
    {
        var rng = new Random(seed);
        double Next() => rng.NextDouble() * 2 - 1;
        int lda = (ta ? m : k) + 1, ldb = (tb ? k : n) + 2, ldc = n + 3;
        var a = Enumerable.Range(0, 5 + lda * (ta ? k : m)).Select(_ => Next()).ToArray();
        var b = Enumerable.Range(0, 3 + ldb * (tb ? n : k)).Select(_ => Next()).ToArray();
        var c = Enumerable.Range(0, 7 + ldc * m).Select(_ => Next()).ToArray();
        var (alpha, beta) = (0.5 + rng.NextDouble(), seed % 3 == 0 ? 0.0 : Next());
        var expected = Naive(ta, tb, m, n, k, alpha, a, 5, lda, b, 3, ldb, beta, c, 7, ldc);
        gemm.Gemm(ta, tb, m, n, k, alpha, a, 5, lda, b, 3, ldb, beta, c, 7, ldc);
        for (var i = 0; i < c.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - c[i]) <= 1e-12 * (1 + Math.Abs(expected[i])), $"{gemm.Name} m={m} n={n} k={k} ta={ta} tb={tb}: element {i}");
        }
    }

    [FsCheck.Xunit.Property(MaxTest = 60)]
    public void ManagedGemmMatchesTheDefinition(bool ta, bool tb, PositiveInt m, PositiveInt n, PositiveInt k, int seed) =>
        Check(new ParallelGemm(new ManagedGemm()), ta, tb, m.Get % 70 + 1, n.Get % 70 + 1, k.Get % 90 + 1, seed);

    private static void CheckShapes(IGemm gemm)
    {
        var seed = 1;
        foreach (var (m, n, k) in new[] { (1, 1, 1), (7, 3, 5), (64, 65, 66), (300, 20, 200), (5, 400, 300) })
        {
            foreach (var ta in new[] { false, true })
            {
                foreach (var tb in new[] { false, true })
                {
                    Check(gemm, ta, tb, m, n, k, seed++);
                }
            }
        }
    }

    [SkippableFact]
    public void MklGemmMatchesTheDefinition()
    {
        Backends.Get("mkl");
        var (mkl, _) = FuncNet.Backends.Cpu.Mkl.MklLibrary.Load();
        CheckShapes(new ParallelGemm(new CblasGemm(mkl!.Blas)));
    }

    [SkippableFact]
    public void OpenBlasGemmMatchesTheDefinition()
    {
        var (blas, error) = OpenBlasLibrary.Load();
        if (blas is null && Backends.MklRequired)
        {
            Assert.Fail("native libraries are required (FUNCNET_REQUIRE_MKL=1) but " + error);
        }
        Skip.If(blas is null, error);
        CheckShapes(new ParallelGemm(new CblasGemm(blas!)));
    }

    /// <summary>A provider that is right but slow: the measured choice must avoid it, and results stay right either way.</summary>
    private sealed class SlowGemm(IGemm inner) : IGemm
    {
        public string Name => "slow";

        public void Gemm<T>(bool transA, bool transB, int m, int n, int k, T alpha, T[] a, int aOffset, int lda, T[] b, int bOffset, int ldb, T beta, T[] c, int cOffset, int ldc)
            where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            Thread.Sleep(60); // far beyond any scheduling hiccup of the real provider on these small shapes
            inner.Gemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
        }
    }

    [Fact]
    public void MeasuredGemmPicksTheFasterProviderPerShapeAndStaysCorrect()
    {
        var measured = new MeasuredGemm([new SlowGemm(new ManagedGemm()), new ManagedGemm()]);
        CheckShapes(measured);
        Assert.NotEmpty(measured.Choices);
        Assert.All(measured.Choices.Values, name => Assert.Equal("managed", name));
    }

    /// <summary>A stand-in for a native provider: right (through the managed GEMM), and counts its calls.</summary>
    private sealed class CountingGemm(string name) : IGemm
    {
        public string Name => name;

        public int Calls { get; private set; }

        public void Gemm<T>(bool transA, bool transB, int m, int n, int k, T alpha, T[] a, int aOffset, int lda, T[] b, int bOffset, int ldb, T beta, T[] c, int cOffset, int ldc)
            where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            Calls++;
            new ManagedGemm().Gemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
        }
    }

    [Theory]
    [InlineData(4, 4, 4)]
    [InlineData(4, 1, 4)]
    [InlineData(100, 2, 2)]
    [InlineData(16, 16, 16)]
    public void MeasuredGemmSendsTinyShapesToTheManagedLoopWithoutCallingAProvider(int m, int n, int k)
    {
        Assert.True(TinyGemm.Serves(m, n, k), $"{m} × {n} × {k} should count as tiny (≤ {TinyGemm.MaxWork} multiply-adds)");
        var native = new[] { new CountingGemm("mkl"), new CountingGemm("openblas") };
        var measured = new MeasuredGemm(native);
        Check(measured, false, false, m, n, k, 3);
        Check(measured, true, false, m, n, k, 4);
        Check(measured, false, true, m, n, k, 5);
        Assert.All(native, p => Assert.Equal(0, p.Calls));
        Assert.Empty(measured.Choices);
    }

    [Theory]
    [InlineData(17, 16, 16)]
    [InlineData(64, 64, 64)]
    [InlineData(4, 1024, 4)]
    public void MeasuredGemmSendsLargerShapesToAMeasuredNativeProvider(int m, int n, int k)
    {
        Assert.False(TinyGemm.Serves(m, n, k), $"{m} × {n} × {k} should not count as tiny (> {TinyGemm.MaxWork} multiply-adds)");
        var native = new[] { new CountingGemm("mkl"), new CountingGemm("openblas") };
        var measured = new MeasuredGemm(native);
        Check(measured, false, false, m, n, k, 3);
        Assert.All(native, p => Assert.True(p.Calls > 0, $"{p.Name} was never timed"));
        var choice = Assert.Single(measured.Choices);
        Assert.Contains(choice.Value, new[] { "mkl", "openblas" });
    }
}
