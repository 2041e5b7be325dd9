using static FuncNet.Ops;

namespace FuncNet.Backends.Tests.Cpu;

/// <summary>
/// A compiled W1 training step (MLP 784-512-256-10, batch 256, Float32: forward, gradients, SGD update in
/// place) allocates under 1 KB of managed memory once warm. Allocated bytes are deterministic, unlike time,
/// so this is asserted; speed itself is measured by the benchmarks. It runs alone: when another test holds the
/// worker pool, loops run inline on the calling thread, which then grows its own scratch buffers once.
/// </summary>
[Collection(nameof(Reliability.RunsAlone))]
public class SteadyStateAllocationTests
{
    [SkippableTheory, MemberData(nameof(Backends.Names), MemberType = typeof(Backends))]
    public void MlpTrainingStepAllocatesUnderOneKilobyte(string backendName)
    {
        var backend = Backends.Get(backendName);
        int[] sizes = [784, 512, 256, 10];
        const int batch = 256;
        var rng = new Random(0);
        Tensor Random(params int[] dims) => Tensor.FromSpan(Shape.Of(dims), Enumerable.Range(0, dims.Aggregate(1, (p, d) => p * d)).Select(_ => rng.NextDouble() * 0.1 - 0.05).ToArray(), DType.Float32);
        var x = Expr.Placeholder("x", Shape.Of(-1, 784), DType.Float32);
        var y = Expr.Placeholder("y", Shape.Of(-1, 10), DType.Float32);
        var parameters = new List<Expr>();
        var h = x;
        for (var i = 0; i < 3; i++)
        {
            var w = Expr.Variable($"w{i}", Random(sizes[i], sizes[i + 1]));
            var b = Expr.Variable($"b{i}", Tensor.Zeros(Shape.Of(sizes[i + 1]), DType.Float32));
            parameters.AddRange([w, b]);
            h = MatMul(h, w) + b;
            if (i < 2) { h = Relu(h); }
        }
        var loss = ReduceMean(SoftmaxCrossEntropyWithLogits(y, h));
        var grads = Gradients(loss, parameters.ToArray());
        using var plan = Plan.Compile([loss], parameters.Zip(grads, (p, g) => KeyValuePair.Create(p, p - 0.01 * g)).ToArray(), backend);
        using var store = new VariableStore(backend);
        var labels = new double[batch * 10];
        for (var r = 0; r < batch; r++) { labels[r * 10 + r % 10] = 1; }
        var feeds = new Dictionary<Expr, Tensor> { [x] = Random(batch, 784), [y] = Tensor.FromSpan(Shape.Of(batch, 10), labels, DType.Float32) };
        var first = plan.Run(feeds, store)[0].ToScalar();
        for (var i = 0; i < 5; i++) { plan.Run(feeds, store); }

        const int steps = 10;
        var before = GC.GetAllocatedBytesForCurrentThread();
        double last = 0;
        for (var i = 0; i < steps; i++) { last = plan.Run(feeds, store)[0].ToScalar(); }
        var perStep = (GC.GetAllocatedBytesForCurrentThread() - before) / steps;

        Assert.True(last < first, $"training should lower the loss: {first} → {last}");
        Assert.True(perStep < 1024, $"{backend.Name}: a steady-state step allocated {perStep} bytes; expected under 1 KB");
    }
}
