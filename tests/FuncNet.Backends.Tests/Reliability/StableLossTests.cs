using FuncNet.Backends.Tests.Cpu;
using static FuncNet.Ops;

namespace FuncNet.Backends.Tests.Reliability;

/// <summary>
/// Losses and their gradients at logits of ±1e4 stay finite and correct on every backend, in Float32 and
/// Float64, with <see cref="Plan.CheckNumerics"/> on, so no intermediate NaN or infinity appears either.
/// </summary>
public class StableLossTests
{
    public static TheoryData<string, DType> Cases => new()
    {
        { "reference", DType.Float32 }, { "reference", DType.Float64 },
        { "managed", DType.Float32 }, { "managed", DType.Float64 },
        { "mkl", DType.Float32 }, { "mkl", DType.Float64 },
    };

    internal static IBackend Get(string name) => name == "reference" ? Backend.Reference : Cpu.Backends.Get(name);

    [SkippableTheory, MemberData(nameof(Cases))]
    public void LossesAndGradientsStayFiniteAtHugeLogits(string backendName, DType dtype)
    {
        var backend = Get(backendName);
        var logits = Expr.Placeholder("logits", Shape.Of(3, 3), dtype);
        var labels = Expr.Placeholder("labels", Shape.Of(3, 3), dtype);
        var binary = Expr.Placeholder("binary", Shape.Of(3, 3), dtype);
        Expr[] losses =
        [
            ReduceSum(SoftmaxCrossEntropyWithLogits(labels, logits)),
            Losses.CategoricalCrossEntropyFromLogits(labels, logits, Reduction.Sum),
            ReduceSum(SigmoidCrossEntropyWithLogits(binary, logits)),
            Losses.BinaryCrossEntropyFromLogits(binary, logits, Reduction.Sum),
            -ReduceSum(labels * LogSoftmax(logits)),
            ReduceSum(Softplus(logits)),
        ];
        Expr[] all = [.. losses, .. losses.Select(l => Gradient(l, logits))];
        var feeds = new Dictionary<Expr, Tensor>
        {
            [logits] = Tensor.FromSpan(Shape.Of(3, 3), [1e4, -1e4, 0, -1e4, 1e4, 1e4, -1e4, -1e4, -1e4], dtype),
            [labels] = Tensor.FromSpan(Shape.Of(3, 3), [1, 0, 0, 1, 0, 0, 0, 0, 1], dtype),
            [binary] = Tensor.FromSpan(Shape.Of(3, 3), [1, 0, 1, 1, 0, 1, 0, 0, 1], dtype),
        };
        using var plan = Plan.Compile(all, backend);
        plan.CheckNumerics = true;
        var r = plan.Run(feeds);
        foreach (var t in r) { Assert.All(t.ToDoubleArray(), v => Assert.True(double.IsFinite(v), $"{backend.Name} {dtype}: {t}")); }
        // Softmax CE per row: 0, 2e4 (the label's logit is 2e4 below the top two, log 2 on top), log 3 + 0.
        var ce = 0 + (2e4 + Math.Log(2)) + Math.Log(3);
        var tol = dtype == DType.Float32 ? 1e-3 : 1e-9;
        Assert.Equal(ce, r[0].ToScalar(), ce * tol);
        Assert.Equal(ce, r[1].ToScalar(), ce * tol);
        Assert.Equal(ce, r[4].ToScalar(), ce * tol);
        // Sigmoid CE: softplus(z) − z·t; terms at ±1e4 are 0 or 1e4, at 0 log 2.
        var bce = 0 + 0 + Math.Log(2) + 2e4 + 0 + 0 + 0 + 0 + 1e4;
        Assert.Equal(bce, r[2].ToScalar(), bce * tol);
        Assert.Equal(bce, r[3].ToScalar(), bce * tol);
        Assert.Equal(3e4 + Math.Log(2), r[5].ToScalar(), 3e4 * tol);
        // Gradient of softmax CE: softmax − labels, e.g. row 2 is (−1, ½, ½).
        Assert.Equal([-1, 0.5, 0.5], r[6].ToDoubleArray()[3..6].Select(v => Math.Round(v, 4)));
    }
}
