using BenchmarkDotNet.Attributes;
using FuncNet.Backends;
using FuncNet.Cli.Bench;

namespace FuncNet.Bench;

/// <summary>
/// The side-by-side workloads (W1–W5 and W1's GEMM floor) under BenchmarkDotNet, per backend: the same
/// definitions `funcnet bench` times (src/FuncNet.Cli/Bench/Workloads.cs), for statistically careful runs.
/// The comparison with PyTorch lives in scripts/bench-vs-pytorch.sh, which alternates the two.
/// </summary>
[MemoryDiagnoser]
public class WorkloadBenchmarks
{
    private Action _step = () => { };

    /// <summary>The workload, by its benchmark name.</summary>
    [Params("W1-mlp", "W1-gemm-floor", "W2-seednet", "W3-tutorial-perceptron", "W5-compile-64")]
    public string Workload { get; set; } = "W1-mlp";

    /// <summary>The backend.</summary>
    [Params("managed", "mkl")]
    public string Backend { get; set; } = "managed";

    /// <summary>Builds the workload once: plans compiled, variables resident, kernels generated.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var backend = BackendSelector.Resolve(Backend);
        // CPU backends only: one sample is one unit of work there (a queued backend would time several).
        _step = Workloads.All.Single(w => w.Name == Workload).Setup(new BenchContext(backend, CaptureGraphs: true)).Run;
        _step();
    }

    /// <summary>One unit of the workload (a step, an iteration or a compile).</summary>
    [Benchmark]
    public void Run() => _step();
}
