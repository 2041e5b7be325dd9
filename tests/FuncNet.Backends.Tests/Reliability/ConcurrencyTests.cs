using FuncNet.Backends.Cpu;
using static FuncNet.Ops;

namespace FuncNet.Backends.Tests.Reliability;

/// <summary>
/// What is thread-safe: a compiled Plan run from many threads at once (each run rents its own arena) gives
/// the sequential results (bitwise on Reference and managed, to rounding on MKL); a Session used from two threads at once throws a clear error.
/// </summary>
public class ConcurrencyTests
{
    private static (Expr[] Outputs, Expr X) Model()
    {
        var x = Expr.Placeholder("x", Shape.Of(-1, 16));
        var w = Expr.Constant(Tensor.Create(Shape.Of(16, 8), Enumerable.Range(0, 128).Select(i => Math.Sin(i)).ToArray()));
        var h = Tanh(MatMul(x, w));
        var loss = ReduceSum(Softplus(h) * h);
        return ([h, loss, Gradient(loss, x)], x);
    }

    private static Tensor Input(int seed, int rows)
    {
        var rng = new Random(seed);
        return Tensor.Create(Shape.Of(rows, 16), Enumerable.Range(0, rows * 16).Select(_ => rng.NextDouble() * 2 - 1).ToArray());
    }

    [SkippableTheory]
    [InlineData("reference")]
    [InlineData("managed")]
    [InlineData("mkl")]
    public void APlanRunFromEightThreadsAtOnceGivesTheSequentialResults(string backendName)
    {
        var backend = StableLossTests.Get(backendName);
        var (outputs, x) = Model();
        using var plan = Plan.Compile(outputs, backend);
        // Two batch sizes, so threads also race on building specializations.
        var inputs = Enumerable.Range(0, 64).Select(i => Input(i, i % 2 == 0 ? 5 : 9)).ToArray();
        var expected = inputs.Select(t => plan.Run(new Dictionary<Expr, Tensor> { [x] = t })).ToArray();
        var actual = new Tensor[inputs.Length][];
        using var start = new Barrier(8);
        var threads = Enumerable.Range(0, 8).Select(id => new Thread(() =>
        {
            start.SignalAndWait();
            for (var i = id; i < inputs.Length; i += 8) { actual[i] = plan.Run(new Dictionary<Expr, Tensor> { [x] = inputs[i] }); }
        })).ToArray();
        foreach (var t in threads) { t.Start(); }
        foreach (var t in threads) { t.Join(); }
        for (var i = 0; i < inputs.Length; i++)
        {
            for (var j = 0; j < expected[i].Length; j++)
            {
                // MKL picks its own thread count per call, and with it the summation order, so it agrees to
                // rounding; the managed and Reference backends agree bit for bit.
                var same = backendName == "mkl" ? expected[i][j].AllClose(actual[i][j], 1e-12, 1e-12) : expected[i][j].Equals(actual[i][j]);
                Assert.True(same, $"{backend.Name}: input {i}, output {j} differs");
            }
        }
    }

    [Fact]
    public void ASessionUsedFromTwoThreadsAtOnceThrows()
    {
        var a = Expr.Placeholder("a", Shape.Of(96, 96));
        var slow = ReduceSum(MatMul(MatMul(a, a), a));
        using var session = new Session(Backend.Reference);
        var feed = new Dictionary<Expr, Tensor> { [a] = Tensor.Ones(Shape.Of(96, 96)) };
        session.Run(slow, feed);
        var errors = new List<Exception>();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        var threads = Enumerable.Range(0, 2).Select(_ => new Thread(() =>
        {
            while (DateTime.UtcNow < deadline)
            {
                lock (errors) { if (errors.Count > 0) { return; } }
                try { session.Run(slow, feed); }
                catch (Exception e) { lock (errors) { errors.Add(e); } }
            }
        })).ToArray();
        foreach (var t in threads) { t.Start(); }
        foreach (var t in threads) { t.Join(); }
        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.Contains("used from two threads at once", Assert.IsType<FuncNetException>(e).Message));
    }

    [Fact]
    public void AVariableStoreOnAnotherBackendIsRejected()
    {
        var v = Expr.Variable("v", Tensor.Scalar(1.0));
        using var plan = Plan.Compile([v * 2.0], Cpu.Backends.Managed);
        using var store = new VariableStore(Backend.Reference);
        Assert.Contains("the variable store lives on backend", Assert.Throws<FuncNetException>(() => plan.Run(null, store)).Message);
    }

    [Fact]
    public void AnUnknownBackendNameListsTheValidOnes() =>
        Assert.Contains("expected one of: auto, reference, managed, mkl", Assert.Throws<FuncNetException>(() => BackendSelector.Resolve("gpu")).Message);

    [SkippableFact]
    public void MklUnavailableThrowsBackendUnavailable()
    {
        Skip.If(CpuBackend.MklAvailable, "MKL loads here, so the unavailable path cannot be shown (run with FUNCNET_DISABLE_MKL=1)");
        Assert.Throws<BackendUnavailableException>(() => CpuBackend.CreateMkl());
    }
}
