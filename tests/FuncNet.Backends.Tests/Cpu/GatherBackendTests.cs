using static FuncNet.Ops;

namespace FuncNet.Backends.Tests.Cpu;

/// <summary>
/// Gather and random draws on every backend: a bad index is an <see cref="IndexException"/> before any read,
/// and the same key draws bit-for-bit the same numbers (and dropout masks) as the Reference backend.
/// </summary>
public class GatherBackendTests
{
    [SkippableTheory, MemberData(nameof(Backends.HostBackendsAndFloatTypes), MemberType = typeof(Backends))]
    public void AnIndexOutOfRangeIsAnErrorOnEveryBackend(string backendName, DType dtype) =>
        AnIndexOutOfRangeIsAnError(backendName == "reference" ? Backend.Reference : Backends.Get(backendName), dtype);

    /// <summary>On a GPU the generated gathers report a bad index through a device status word (skips visibly without one).</summary>
    [SkippableTheory, InlineData(DType.Float32), InlineData(DType.Float64)]
    public void AnIndexOutOfRangeIsAnErrorOnCuda(DType dtype)
    {
        var backend = Backends.Get("cuda");
        AnIndexOutOfRangeIsAnError(backend, dtype);
        // Scatter-add (the gather's adjoint) checks its indices the same way, and sums repeated ones.
        var u = Expr.Placeholder("u", Shape.Of(2, 4), dtype);
        var i = Expr.Placeholder("i", Shape.Of(2), DType.Int32);
        var x = Expr.Placeholder("x", Shape.Of(3, 4), dtype);
        using var plan = Plan.Compile([ScatterAdd(u, i, x, 0)], backend);
        Tensor Run(int[] ids) => plan.Run(new Dictionary<Expr, Tensor> { [u] = Tensor.Ones(u.Shape, dtype), [i] = Tensor.FromArray(ids), [x] = Tensor.Zeros(x.Shape, dtype) })[0];
        Assert.Equal(2.0, Run([1, 1])[1, 0]);
        Assert.Contains("index 3 ", Assert.Throws<IndexException>(() => Run([0, 3])).Message);
    }

    private static void AnIndexOutOfRangeIsAnError(IBackend backend, DType dtype)
    {
        var x = Expr.Placeholder("x", Shape.Of(3, 4), dtype);
        var i = Expr.Placeholder("i", Shape.Of(2), DType.Int32);
        var xs = Tensor.Ones(Shape.Of(3, 4), dtype);
        using var plan = Plan.Compile([Take(x, i, 0) * 2.0, Take(x, i, 1)], backend);
        Assert.Equal(Tensor.Ones(Shape.Of(2, 4), dtype) * 2.0, plan.Run(new Dictionary<Expr, Tensor> { [x] = xs, [i] = Tensor.FromArray(new[] { 2, 0 }) })[0]);
        foreach (var bad in new[] { 3, 4, -1, int.MaxValue, int.MinValue })
        {
            var e = Assert.Throws<IndexException>(() => plan.Run(new Dictionary<Expr, Tensor> { [x] = xs, [i] = Tensor.FromArray(new[] { 0, bad }) }));
            Assert.Contains($"index {bad} ", e.Message);
            Assert.Contains("of length", e.Message);
        }
    }

    [SkippableTheory, MemberData(nameof(ConformanceTests.Cases), MemberType = typeof(ConformanceTests))]
    public void RandomDrawsAndDropoutMasksAreBitIdenticalToTheReference(string backendName, DType dtype)
    {
        var backend = Backends.Get(backendName);
        var key = Expr.Placeholder("key", Shape.Of(2), DType.Int32);
        var x = Expr.Placeholder("x", Shape.Of(64, 33), dtype);
        Expr[] outputs =
        [
            RandomUniform(key, [64, 33], dtype), RandomNormal(KeyAt(key, 1), [7, 5], dtype), Bernoulli(key, 0.25, [64, 33], dtype),
            SplitKey(key, 5), Dropout(x, 0.5, KeyAt(key, 2), training: true), RandomUniform(SplitKey(key, 3), [4], dtype),
        ];
        var feeds = new Dictionary<Expr, Tensor>
        {
            [key] = Tensor.FromArray(new[] { 123456789, -987654321 }),
            [x] = Tensor.Ones(x.Shape, dtype),
        };
        Tensor[] expected, actual;
        using (var plan = Plan.Compile(outputs, Backend.Reference)) { expected = plan.Run(feeds); }
        using (var plan = Plan.Compile(outputs, backend)) { actual = plan.Run(feeds); }
        for (var k = 0; k < outputs.Length; k++)
        {
            Assert.True(expected[k].Equals(actual[k]), $"{backendName} {dtype}: {outputs[k].Op.Name} differs by {expected[k].MaxAbsDifference(actual[k]):E3}");
        }
    }
}
