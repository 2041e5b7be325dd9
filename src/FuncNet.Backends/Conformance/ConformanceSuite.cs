using static FuncNet.Ops;

namespace FuncNet.Backends.Conformance;

/// <summary>The outcome of one conformance case on one backend and dtype.</summary>
/// <param name="Case">The case's name.</param>
/// <param name="DType">The element type it ran in.</param>
/// <param name="Passed">True when every output and gradient agreed with the Reference backend.</param>
/// <param name="Detail">The first disagreement, or the number of tensors compared.</param>
public sealed record ConformanceResult(string Case, DType DType, bool Passed, string Detail);

/// <summary>
/// Runs conformance cases on a backend against the Reference backend: every output and the gradient of the
/// sum of their squares with respect to every input, from seeded random inputs, within 1e-5 relative in
/// Float32 and 1e-12 in Float64 — elementwise, with an absolute floor of that tolerance times the tensor's
/// largest magnitude (a Float32 sum of hundreds of terms that cancels is only as accurate as its terms).
/// </summary>
public static class ConformanceSuite
{
    /// <summary>The relative tolerance for a dtype.</summary>
    public static double Tolerance(DType dtype) => dtype == DType.Float32 ? 1e-5 : 1e-12;

    /// <summary>Runs one case.</summary>
    public static ConformanceResult Run(ConformanceCase c, IBackend backend, DType dtype)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(backend);
        var inputs = c.Shapes.Select((s, i) => Expr.Placeholder($"x{i}", s, dtype)).ToArray();
        var feeds = inputs.Select((p, i) => (p, Random(p.Shape, dtype, 17 + i))).ToDictionary(t => t.p, t => t.Item2);
        var outputs = c.Build(inputs, dtype);
        var scalar = outputs.Select(o => ReduceSum(o * o)).Aggregate((a, b) => a + b);
        var all = outputs.Concat(Gradients(scalar, inputs)).ToArray();
        Tensor[] expected, actual;
        using (var plan = Plan.Compile(all, Backend.Reference)) { expected = plan.Run(feeds); }
        using (var plan = Plan.Compile(all, backend)) { actual = plan.Run(feeds); }
        var rtol = Tolerance(dtype);
        for (var i = 0; i < all.Length; i++)
        {
            if (expected[i].Shape != actual[i].Shape)
            {
                return new(c.Name, dtype, false, $"output {i} ({all[i].Op.Name}): shape {actual[i].Shape}, expected {expected[i].Shape}");
            }
            var scale = expected[i].ToArray<double>().Select(Math.Abs).DefaultIfEmpty(0).Max();
            if (!actual[i].AllClose(expected[i], rtol, rtol * Math.Max(1, scale)))
            {
                return new(c.Name, dtype, false, $"output {i} ({all[i].Op.Name}) differs by {expected[i].MaxAbsDifference(actual[i]):E3}");
            }
        }
        return new(c.Name, dtype, true, $"{all.Length} tensors agree");
    }

    /// <summary>Runs every case in Float32 and Float64.</summary>
    public static IReadOnlyList<ConformanceResult> RunAll(IBackend backend) =>
        ConformanceGraphs.All.SelectMany(c => new[] { DType.Float32, DType.Float64 }.Select(d => Run(c, backend, d))).ToArray();

    private static Tensor Random(Shape shape, DType dtype, int seed)
    {
        var rng = new Random(seed);
        return Tensor.FromSpan(shape, Enumerable.Range(0, shape.Size).Select(_ => rng.NextDouble() * 2 - 1).ToArray(), dtype);
    }
}
