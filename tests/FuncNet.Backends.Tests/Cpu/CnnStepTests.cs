using FuncNet.Layers;
using static FuncNet.Ops;

namespace FuncNet.Backends.Tests.Cpu;

/// <summary>
/// The W6 CNN's training step (conv32-pool-conv64-pool-128-10 with biases and ReLUs, mean cross-entropy,
/// SGD) on the CPU backends: every node runs a native kernel (none falls back to its reference kernel, which
/// made the step several times slower: per-channel bias broadcasts and their gradients did), its loss and
/// updated weights match the Reference backend, and once warm a managed step allocates under 1 KB of managed memory.
/// </summary>
[Collection(nameof(Reliability.RunsAlone))]
public class CnnStepTests
{
    private const int Batch = 8;

    public static TheoryData<string> CpuBackends => new("managed", "mkl", "openblas");

    private sealed record Step(Plan Plan, VariableStore Store, Dictionary<Expr, Tensor> Feeds, Expr[] Parameters) : IDisposable
    {
        public void Dispose()
        {
            Store.Dispose();
            Plan.Dispose();
        }
    }

    private static Step Compile(IBackend backend)
    {
        // Fully known shapes, so every scheduled node's shape is its run-time shape.
        var x = Expr.Placeholder("images", Shape.Of(Batch, 1, 28, 28), DType.Float32);
        var y = Expr.Placeholder("labels", Shape.Of(Batch, 10), DType.Float32);
        var model = new Sequential(
            new Conv2D(32, 3, 3, Conv2DOptions.Default, Relu, 0, null), new MaxPool2D(2),
            new Conv2D(64, 3, 3, Conv2DOptions.Default, Relu, 1, null), new MaxPool2D(2),
            new Flatten(),
            new Dense(128, Relu, Initializers.HeUniform(2), Initializers.Zeros, "hidden"),
            new Dense(10, null, Initializers.GlorotUniform(3), Initializers.Zeros, "output"));
        var loss = Losses.CategoricalCrossEntropyFromLogits(y, model.Apply(x), Reduction.Mean);
        var parameters = model.Variables.ToArray();
        var grads = Gradients(loss, parameters);
        var plan = Plan.Compile([loss], parameters.Zip(grads, (p, g) => KeyValuePair.Create(p, p - 0.05 * g)).ToArray(), backend);
        var rng = new Random(5);
        var images = Enumerable.Range(0, Batch * 784).Select(_ => rng.NextDouble()).ToArray();
        var labels = new double[Batch * 10];
        for (var r = 0; r < Batch; r++) { labels[r * 10 + r % 10] = 1; }
        var feeds = new Dictionary<Expr, Tensor>
        {
            [x] = Tensor.FromSpan(x.Shape, images, DType.Float32),
            [y] = Tensor.FromSpan(y.Shape, labels, DType.Float32),
        };
        return new Step(plan, new VariableStore(backend), feeds, parameters);
    }

    [SkippableTheory, MemberData(nameof(CpuBackends))]
    public void EveryNodeOfTheStepRunsANativeKernel(string backendName)
    {
        var backend = Backends.Get(backendName);
        using var step = Compile(backend);
        var fallbacks = step.Plan.Schedule
            .Where(n => n.Inputs.Count > 0)
            .Where(n => backend.Prepare(n, n.Inputs.Select(i => i.Shape).ToArray(), n.Shape, n.DType) is ReferenceBackend.ReferenceKernel)
            .Select(n => $"{n.Op.GetType().Name} {n.Shape} from {string.Join(", ", n.Inputs.Select(i => i.Shape))}")
            .ToArray();
        Assert.True(fallbacks.Length == 0, $"{backend.Name}: nodes on their reference kernel:\n{string.Join("\n", fallbacks)}");
        Assert.Contains(step.Plan.Schedule, n => n.Op is Conv2DFilterGradientOp);
    }

    [SkippableTheory, MemberData(nameof(CpuBackends))]
    public void TheStepMatchesTheReferenceBackend(string backendName)
    {
        using var expected = Compile(new ReferenceBackend());
        using var actual = Compile(Backends.Get(backendName));
        var expectedLoss = expected.Plan.Run(expected.Feeds, expected.Store)[0].ToScalar();
        var actualLoss = actual.Plan.Run(actual.Feeds, actual.Store)[0].ToScalar();
        Assert.Equal(expectedLoss, actualLoss, 4);
        for (var i = 0; i < expected.Parameters.Length; i++)
        {
            var e = expected.Store.Get(expected.Parameters[i]).ToArray<float>();
            var a = actual.Store.Get(actual.Parameters[i]).ToArray<float>();
            for (var j = 0; j < e.Length; j++)
            {
                Assert.True(Math.Abs(e[j] - a[j]) <= 1e-5 + 1e-4 * Math.Abs(e[j]), $"{backendName}: parameter {i} ({expected.Parameters[i].Shape}) element {j}: {a[j]} vs reference {e[j]}");
            }
        }
    }

    /// <summary>On every CPU backend, oneDNN's convolution and pooling kernels included (mkl, openblas).</summary>
    [SkippableTheory, MemberData(nameof(CpuBackends))]
    public void AWarmStepAllocatesUnderOneKilobyte(string backendName)
    {
        using var step = Compile(Backends.Get(backendName));
        var first = step.Plan.Run(step.Feeds, step.Store)[0].ToScalar();
        for (var i = 0; i < 3; i++) { step.Plan.Run(step.Feeds, step.Store); }
        const int steps = 5;
        var before = GC.GetAllocatedBytesForCurrentThread();
        double last = 0;
        for (var i = 0; i < steps; i++) { last = step.Plan.Run(step.Feeds, step.Store)[0].ToScalar(); }
        var perStep = (GC.GetAllocatedBytesForCurrentThread() - before) / steps;
        Assert.True(last < first, $"training should lower the loss: {first} → {last}");
        Assert.True(perStep < 1024, $"{backendName}: a steady-state CNN step allocated {perStep} bytes; expected under 1 KB");
    }
}
