using static FuncNet.Ops;

namespace FuncNet.Backends.Tests.Reliability;

/// <summary>
/// LogSoftmax and Softmax along every axis, on every backend, at logits where x − (max + log Σ) cancels
/// (1e17 and 1e300 in Float64, 1e17 and 1e38 in Float32) and at ±∞. Equal logits along a lane of length n give
/// exactly −log n and 1/n; a lane with +∞ (or only −∞) is NaN; a −∞ logit beside finite ones gives −∞ and
/// leaves the others as if it were absent.
/// </summary>
public class LargeLogitTests
{
    public static TheoryData<string, DType> BackendsAndTypes => Cpu.Backends.HostBackendsAndFloatTypes;

    private static IBackend Get(string name) => name == "reference" ? Backend.Reference : Cpu.Backends.Get(name);

    private static readonly Shape Shape3 = Shape.Of(2, 3, 4);

    [SkippableTheory, MemberData(nameof(BackendsAndTypes))]
    public void EqualLargeLogitsGiveMinusLogNAlongEveryAxis(string backendName, DType dtype)
    {
        var backend = Get(backendName);
        var x = Expr.Placeholder("x", Shape3, dtype);
        foreach (var magnitude in dtype == DType.Float64 ? new[] { 1e17, 1e300, -1e300 } : [1e17f, 1e38f, -1e38f])
        {
            var feeds = new Dictionary<Expr, Tensor> { [x] = Tensor.Filled(Shape3, dtype, magnitude) };
            for (var axis = 0; axis < Shape3.Rank; axis++)
            {
                using var plan = Plan.Compile([LogSoftmax(x, axis), Softmax(x, axis), -ReduceSum(LogSoftmax(x, axis) * 0.5, axis)], backend);
                var values = plan.Run(feeds);
                var n = Shape3[axis];
                var tolerance = dtype == DType.Float64 ? 1e-12 : 1e-6;
                Assert.All(values[0].ToDoubleArray(), v => Assert.Equal(-Math.Log(n), v, tolerance));
                Assert.All(values[1].ToDoubleArray(), v => Assert.Equal(1.0 / n, v, tolerance));
                // A cross-entropy against soft labels of 0.5 per class reads n/2 · log n, not 0.
                Assert.All(values[2].ToDoubleArray(), v => Assert.Equal(0.5 * n * Math.Log(n), v, tolerance * 10));
            }
        }
    }

    [SkippableTheory, MemberData(nameof(BackendsAndTypes))]
    public void InfiniteLogitsGiveNaNOrMinusInfinityAlongEveryAxis(string backendName, DType dtype)
    {
        var backend = Get(backendName);
        var x = Expr.Placeholder("x", Shape3, dtype);
        var rng = new Random(5);
        var values = Enumerable.Range(0, Shape3.Size).Select(_ => rng.Next(5) switch
        {
            0 => double.NegativeInfinity,
            1 => double.PositiveInfinity,
            _ => 3 * rng.NextDouble() - 1.5,
        }).ToArray();
        var feeds = new Dictionary<Expr, Tensor> { [x] = Tensor.FromSpan(Shape3, values, dtype) };
        var strides = Shape3.Strides();
        for (var axis = 0; axis < Shape3.Rank; axis++)
        {
            using var plan = Plan.Compile([LogSoftmax(x, axis)], backend);
            var actual = plan.Run(feeds)[0].ToDoubleArray();
            for (var k = 0; k < values.Length; k++)
            {
                // The lane through element k along the axis.
                var position = k / strides[axis] % Shape3[axis];
                var lane = Enumerable.Range(0, Shape3[axis]).Select(j => values[k + (j - position) * strides[axis]]).ToArray();
                var finite = lane.Where(double.IsFinite).ToArray();
                var expected = lane.Contains(double.PositiveInfinity) || finite.Length == 0
                    ? double.NaN
                    : values[k] == double.NegativeInfinity ? double.NegativeInfinity
                    : values[k] - finite.Max() - Math.Log(finite.Sum(v => Math.Exp(v - finite.Max())));
                if (double.IsNaN(expected) || double.IsInfinity(expected))
                {
                    Assert.Equal(expected, actual[k]);
                }
                else
                {
                    Assert.Equal(expected, actual[k], dtype == DType.Float64 ? 1e-12 : 1e-5);
                }
            }
        }
    }
}
