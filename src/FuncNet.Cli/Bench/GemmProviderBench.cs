using System.Diagnostics;
using System.Text.Json;
using FuncNet.Backends.Cpu;

namespace FuncNet.Cli.Bench;

/// <summary>
/// <c>funcnet bench --gemm-providers</c>: Float32 GEMM throughput of each native provider that loads here
/// (MKL, OpenBLAS, oneDNN), wrapped as the auto backend uses them, on the GEMM shapes of one W1 step. One JSON
/// line per provider and shape, with GFLOP/s of the median call; the thread count is the backend's
/// (<c>FUNCNET_THREADS</c>, else one per core), so run it once per setting to compare.
/// </summary>
internal static class GemmProviderBench
{
    /// <summary>W1's products (784-512-256-10, batch 256): forward X·W, filter gradients Xᵀ·G, input gradients G·Wᵀ.</summary>
    private static readonly (int M, int N, int K, bool TransA, bool TransB)[] W1Shapes =
    [
        (256, 512, 784, false, false), (256, 256, 512, false, false), (256, 10, 256, false, false),
        (784, 512, 256, true, false), (512, 256, 256, true, false), (256, 10, 256, true, false),
        (256, 512, 256, false, true), (256, 256, 10, false, true),
    ];

    public static void Run(double seconds, TextWriter output)
    {
        var providers = CpuBackend.NativeGemmProviders();
        if (providers.Count == 0)
        {
            throw new FuncNetException("funcnet bench --gemm-providers: no native GEMM provider loads here (MKL, OpenBLAS, oneDNN); run scripts/setup-native.sh.");
        }
        var rng = new Random(3);
        foreach (var (m, n, k, ta, tb) in W1Shapes)
        {
            var a = Enumerable.Range(0, m * k).Select(_ => (float)rng.NextDouble()).ToArray();
            var b = Enumerable.Range(0, k * n).Select(_ => (float)rng.NextDouble()).ToArray();
            var c = new float[m * n];
            foreach (var p in providers)
            {
                void Call() => p.Gemm(ta, tb, m, n, k, 1f, a, 0, ta ? m : k, b, 0, tb ? k : n, 0f, c, 0, n);
                Call(); // warm-up: first-call setup, caches
                var samples = new List<double>();
                var total = Stopwatch.StartNew();
                while (total.Elapsed.TotalSeconds < seconds / (W1Shapes.Length * providers.Count) || samples.Count < 20)
                {
                    var start = Stopwatch.GetTimestamp();
                    Call();
                    samples.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
                }
                samples.Sort();
                var median = samples[samples.Count / 2];
                var result = new Dictionary<string, object>
                {
                    ["workload"] = "gemm-providers",
                    ["provider"] = p.Name,
                    ["shape"] = $"m={m} n={n} k={k}{(ta ? " Aᵀ" : "")}{(tb ? " Bᵀ" : "")}",
                    ["threads"] = WorkerPool.Threads,
                    ["gflops"] = Math.Round(2.0 * m * n * k / median / 1e9, 1),
                    ["samples"] = samples.Count,
                };
                output.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
                output.Flush();
            }
        }
    }
}
