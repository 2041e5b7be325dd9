using FuncNet.Cli.FashionMnist;
using static FuncNet.Ops;

namespace FuncNet.Cli.Bench;

/// <summary>
/// The workloads of the side-by-side benchmark, the same as ../shared/bench/pytorch_reference.py runs
/// (W1–W4, W6) plus FuncNet's compile cost (W5) and the GEMM floor of W1.
/// </summary>
internal static class Workloads
{
    public static IReadOnlyList<Workload> All { get; } =
    [
        new("W1-mlp", "ms_per_step", "MLP 784-512-256-10, batch 256, Float32 training step (forward, backward, SGD update)", c => MlpStep(c, [784, 512, 256, 10], 256)),
        new("W1-gemm-floor", "ms_per_step", "the GEMMs of one W1 step alone, through the same backend", c => GemmFloor(c, [784, 512, 256, 10], 256)),
        new("W2-seednet", "us_per_iteration", "the numpy seed's 3-4-1 sigmoid net, one iteration (forward, gradients, update), Float64", SeedNet),
        new("W3-tutorial-perceptron", "us_per_step", "one full-batch step of the curriculum's 100-point softmax perceptron, Float64", Perceptron),
        new("W4-fashion-epoch", "seconds_per_epoch", "one epoch of an MLP 784-256-128-10 on 60,000 Fashion-MNIST-sized rows, batch 128, SGD lr 0.1", FashionEpoch),
        new("W6-cnn-step", "ms_per_step", "one training step of the W6 CNN (conv32-pool-conv64-pool-128-10, as pytorch_reference.py cnn; funcnet train --model cnn adds batch norm and dropout), batch 128, Float32, SGD lr 0.05", c => CnnSteps(c, 1)),
        new("W6-cnn-epoch", "seconds_per_epoch", "one epoch of the W6 CNN: 469 steps of batch 128 (60,000 rows), as pytorch_reference.py cnn (run only when named)", c => CnnSteps(c, CnnEpochSteps), InDefaultRun: false),
        new("W5-compile-64", "ms_per_compile", "Gradients + rewrite + fuse + schedule of a 64-layer MLP", c => CompileDeep(c, 64)),
        new("W5-compile-16", "ms_per_compile", "the same at 16 layers (linearity check)", c => CompileDeep(c, 16)),
        new("K1-tanh-layer", "us_per_step", "the fused elementwise kernel of a Tanh MLP layer, tanh(z + b), z 256x512, Float32 (run only when named)", TanhLayer, InDefaultRun: false),
        new("W1-mlp-8192", "ms_per_step", "W1 at batch 8192 (GPU-sized; run only when named)", c => MlpStep(c, [784, 512, 256, 10], 8192), InDefaultRun: false),
        new("GEMM-8192", "ms_per_gemm", "one 8192x8192 by 8192x8192 Float32 matrix product, operands on the backend (GPU-sized; run only when named)", c => Gemm(c, 8192), InDefaultRun: false),
    ];

    /// <summary>Steps per sample on a queued backend: enough that the one synchronize per sample is noise.</summary>
    private const int QueuedSteps = 20;

    private static Tensor Uniform(Random rng, Shape shape, DType dtype, double scale) =>
        Tensor.FromSpan(shape, Enumerable.Range(0, shape.Size).Select(_ => (rng.NextDouble() * 2 - 1) * scale).ToArray(), dtype);

    private static Tensor OneHotRows(Random rng, int rows, int classes, DType dtype)
    {
        var data = new double[rows * classes];
        for (var r = 0; r < rows; r++) { data[r * classes + rng.Next(classes)] = 1; }
        return Tensor.FromSpan(Shape.Of(rows, classes), data, dtype);
    }

    /// <summary>An MLP with ReLU hidden layers and a mean softmax cross-entropy, plus its SGD assignments.</summary>
    internal static (Expr X, Expr Y, Expr Loss, KeyValuePair<Expr, Expr>[] Updates) Mlp(int[] sizes, DType dtype, double learningRate, int seed)
    {
        var rng = new Random(seed);
        var x = Expr.Placeholder("x", Shape.Of(-1, sizes[0]), dtype);
        var y = Expr.Placeholder("y", Shape.Of(-1, sizes[^1]), dtype);
        var parameters = new List<Expr>();
        var h = x;
        for (var i = 0; i + 1 < sizes.Length; i++)
        {
            var w = Expr.Variable($"w{i}", Uniform(rng, Shape.Of(sizes[i], sizes[i + 1]), dtype, Math.Sqrt(6.0 / (sizes[i] + sizes[i + 1]))));
            var b = Expr.Variable($"b{i}", Tensor.Zeros(Shape.Of(sizes[i + 1]), dtype));
            parameters.Add(w);
            parameters.Add(b);
            h = MatMul(h, w) + b;
            if (i + 2 < sizes.Length) { h = Relu(h); }
        }
        var loss = ReduceMean(SoftmaxCrossEntropyWithLogits(y, h));
        var grads = Gradients(loss, parameters.ToArray());
        var updates = parameters.Zip(grads, (p, g) => KeyValuePair.Create(p, p - learningRate * g)).ToArray();
        return (x, y, loss, updates);
    }

    private static Sample MlpStep(BenchContext context, int[] sizes, int batch)
    {
        var backend = context.Backend;
        var (x, y, loss, updates) = Mlp(sizes, DType.Float32, 0.01, 0);
        var plan = context.Configure(Plan.Compile([loss], updates, backend));
        var store = new VariableStore(backend);
        var rng = new Random(1);
        var feeds = new Dictionary<Expr, Tensor> { [x] = Uniform(rng, Shape.Of(batch, sizes[0]), DType.Float32, 1), [y] = OneHotRows(rng, batch, sizes[^1], DType.Float32) };
        if (!context.Queued)
        {
            return new Sample(() => plan.Run(feeds, store), Plan: plan);
        }
        // As the peer does on a GPU: the batch stays on the device and the loss is not fetched every step.
        var resident = Resident(backend, feeds);
        return new Sample(() =>
        {
            for (var i = 0; i < QueuedSteps; i++) { plan.Execute(resident, store); }
            backend.Synchronize();
        }, QueuedSteps, plan);
    }

    /// <summary>Host feeds uploaded to the backend once.</summary>
    private static Dictionary<Expr, DeviceTensor> Resident(IBackend backend, Dictionary<Expr, Tensor> feeds) =>
        feeds.ToDictionary(f => f.Key, f => backend.Upload(f.Value));

    private static Sample Gemm(BenchContext context, int n)
    {
        var backend = context.Backend;
        var a = Expr.Placeholder("a", Shape.Of(n, n), DType.Float32);
        var b = Expr.Placeholder("b", Shape.Of(n, n), DType.Float32);
        var plan = context.Configure(Plan.Compile([MatMul(a, b)], backend));
        var rng = new Random(4);
        var resident = Resident(backend, new Dictionary<Expr, Tensor> { [a] = Uniform(rng, a.Shape, DType.Float32, 1), [b] = Uniform(rng, b.Shape, DType.Float32, 1) });
        var steps = context.Queued ? QueuedSteps : 1;
        return new Sample(() =>
        {
            for (var i = 0; i < steps; i++) { plan.Execute(resident, null); }
            backend.Synchronize();
        }, steps, plan);
    }

    private static Sample GemmFloor(BenchContext context, int[] sizes, int batch)
    {
        var backend = context.Backend;
        // Forward X·W, and backward G·Wᵀ (not for the first layer) and Xᵀ·G for each layer: W1's GEMMs exactly.
        // The operands are variables, resident on the backend as a step's weights and activations are, so a run
        // copies no feeds in; each product is summed to a row, so little comes out.
        var rng = new Random(2);
        var outputs = new List<Expr>();
        Expr Operand(string name, Shape shape) => Expr.Variable(name, Uniform(rng, shape, DType.Float32, 1));
        for (var i = 0; i + 1 < sizes.Length; i++)
        {
            var a = Operand($"a{i}", Shape.Of(batch, sizes[i]));
            var w = Operand($"w{i}", Shape.Of(sizes[i], sizes[i + 1]));
            var g = Operand($"g{i}", Shape.Of(batch, sizes[i + 1]));
            outputs.Add(ReduceSum(MatMul(a, w), 0));
            outputs.Add(ReduceSum(MatMul(a, g, true, false), 0));
            if (i > 0) { outputs.Add(ReduceSum(MatMul(g, w, false, true), 0)); }
        }
        var plan = context.Configure(Plan.Compile(outputs, backend));
        return new Sample(() => plan.Run(null), Plan: plan);
    }

    private static Sample SeedNet(BenchContext context)
    {
        var backend = context.Backend;
        var x = Expr.Constant(Tensor.FromArray(new double[,] { { 0, 0, 1 }, { 0, 1, 1 }, { 1, 0, 1 }, { 1, 1, 1 } }));
        var y = Expr.Constant(Tensor.FromArray(new double[,] { { 0 }, { 0 }, { 1 }, { 1 } }));
        var rng = new Random(1);
        var syn0 = Expr.Variable("syn0", Uniform(rng, Shape.Of(3, 4), DType.Float64, 1));
        var syn1 = Expr.Variable("syn1", Uniform(rng, Shape.Of(4, 1), DType.Float64, 1));
        var l2 = Sigmoid(MatMul(Sigmoid(MatMul(x, syn0)), syn1));
        var loss = 0.5 * ReduceSum(Square(y - l2));
        var g = Gradients(loss, syn0, syn1);
        var plan = context.Configure(Plan.Compile([loss], [KeyValuePair.Create(syn0, syn0 - g[0]), KeyValuePair.Create(syn1, syn1 - g[1])], backend));
        var store = new VariableStore(backend);
        return new Sample(() => plan.Run(null, store), Plan: plan);
    }

    /// <summary>A Tanh layer's elementwise part after its GEMM: one fused kernel, vectorized only if Tanh has a vector form.</summary>
    private static Sample TanhLayer(BenchContext context)
    {
        var rng = new Random(0);
        var z = Expr.Placeholder("z", Shape.Of(256, 512), DType.Float32);
        var b = Expr.Variable("b", Uniform(rng, Shape.Of(512), DType.Float32, 0.1));
        var plan = context.Configure(Plan.Compile([Tanh(z + b)], context.Backend));
        var store = new VariableStore(context.Backend);
        var feeds = new Dictionary<Expr, Tensor> { [z] = Uniform(rng, Shape.Of(256, 512), DType.Float32, 2) };
        return new Sample(() => plan.Run(feeds, store), Plan: plan);
    }

    private static Sample Perceptron(BenchContext context)
    {
        var backend = context.Backend;
        var rng = new Random(0);
        var points = new double[100, 2];
        for (var i = 0; i < 100; i++)
        {
            points[i, 0] = rng.NextDouble() * 2 - 1 + (i < 50 ? 2 : -2);
            points[i, 1] = rng.NextDouble() * 2 - 1 + (i < 50 ? 2 : -2);
        }
        var labels = new double[100, 2];
        for (var i = 0; i < 100; i++) { labels[i, i < 50 ? 0 : 1] = 1; }
        var x = Expr.Placeholder("X", Shape.Of(100, 2));
        var c = Expr.Placeholder("c", Shape.Of(100, 2));
        var w = Expr.Variable("W", Uniform(rng, Shape.Of(2, 2), DType.Float64, 1));
        var b = Expr.Variable("b", Uniform(rng, Shape.Of(2), DType.Float64, 1));
        var p = Softmax(MatMul(x, w) + b);
        var j = -ReduceSum(ReduceSum(c * Log(p), 1));
        var g = Gradients(j, w, b);
        var plan = context.Configure(Plan.Compile([j], [KeyValuePair.Create(w, w - 0.01 * g[0]), KeyValuePair.Create(b, b - 0.01 * g[1])], backend));
        var store = new VariableStore(backend);
        var feeds = new Dictionary<Expr, Tensor> { [x] = Tensor.FromArray(points), [c] = Tensor.FromArray(labels) };
        return new Sample(() => plan.Run(feeds, store), Plan: plan);
    }

    private static Sample FashionEpoch(BenchContext context)
    {
        const int rows = 60_000, batch = 128;
        var backend = context.Backend;
        var (x, y, loss, updates) = Mlp([784, 256, 128, 10], DType.Float32, 0.1, 0);
        var plan = context.Configure(Plan.Compile([loss], updates, backend));
        var store = new VariableStore(backend);
        var rng = new Random(3);
        // Random rows of the data set's size: the epoch's cost does not depend on the pixel values.
        var batches = Enumerable.Range(0, 8).Select(_ => new Dictionary<Expr, Tensor>
        {
            [x] = Uniform(rng, Shape.Of(batch, 784), DType.Float32, 1),
            [y] = OneHotRows(rng, batch, 10, DType.Float32),
        }).ToArray();
        if (!context.Queued)
        {
            return new Sample(() =>
            {
                for (var i = 0; i * batch < rows; i++) { plan.Run(batches[i % batches.Length], store); }
            }, Plan: plan);
        }
        // On a GPU the peer moves the data set to the device once and fetches no loss: so does this.
        var resident = batches.Select(f => Resident(backend, f)).ToArray();
        return new Sample(() =>
        {
            for (var i = 0; i * batch < rows; i++) { plan.Execute(resident[i % resident.Length], store); }
            backend.Synchronize();
        }, Plan: plan);
    }

    /// <summary>Steps of an epoch of 60,000 rows at batch 128, the last one partial as PyTorch's (timed as full: the cost barely differs).</summary>
    private const int CnnEpochSteps = (60_000 + 127) / 128;

    /// <summary><paramref name="steps"/> training steps of the W6 CNN (<c>funcnet train fashion-mnist --model cnn</c>'s network without its batch norm and dropout), on random images of the data set's size.</summary>
    private static Sample CnnSteps(BenchContext context, int steps)
    {
        const int batch = 128;
        var backend = context.Backend;
        var x = Expr.Placeholder("images", Shape.Of(-1, 1, 28, 28), DType.Float32);
        var y = Expr.Placeholder("labels", Shape.Of(-1, 10), DType.Float32);
        var model = FashionMnistTrainer.W6Cnn(0);
        var loss = Losses.CategoricalCrossEntropyFromLogits(y, model.Apply(x), Reduction.Mean);
        var parameters = model.Variables.ToArray();
        var grads = Gradients(loss, parameters);
        var updates = parameters.Zip(grads, (p, g) => KeyValuePair.Create(p, p - 0.05 * g)).ToArray();
        var plan = context.Configure(Plan.Compile([loss], updates, backend));
        var store = new VariableStore(backend);
        var rng = new Random(6);
        var batches = Enumerable.Range(0, 4).Select(_ => new Dictionary<Expr, Tensor>
        {
            [x] = Uniform(rng, Shape.Of(batch, 1, 28, 28), DType.Float32, 1),
            [y] = OneHotRows(rng, batch, 10, DType.Float32),
        }).ToArray();
        if (!context.Queued)
        {
            return new Sample(() =>
            {
                for (var i = 0; i < steps; i++) { plan.Run(batches[i % batches.Length], store); }
            }, Plan: plan);
        }
        var resident = batches.Select(f => Resident(backend, f)).ToArray();
        var queued = Math.Max(steps, QueuedSteps);
        return new Sample(() =>
        {
            for (var i = 0; i < queued; i++) { plan.Execute(resident[i % resident.Length], store); }
            backend.Synchronize();
        }, queued / steps, plan);
    }

    private static Sample CompileDeep(BenchContext context, int layers) => new(() =>
    {
        var backend = context.Backend;
        var sizes = Enumerable.Repeat(32, layers + 1).ToArray();
        var (_, _, loss, updates) = Mlp(sizes, DType.Float32, 0.01, layers);
        using var plan = Plan.Compile([loss], updates, backend);
    });
}
