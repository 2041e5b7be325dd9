using FsCheck;
using FsCheck.Fluent;
using FuncNet.Backends.Tests.Cpu;
using FuncNet.Testing;
using static FuncNet.Ops;

namespace FuncNet.Backends.Tests.Reliability;

/// <summary>
/// Differential fuzzing: random programs from the core tests' generator (every op family — convolutions of random
/// geometry, transposed convolutions, poolings, gathers and scatters, the norms, dropout and draws, the
/// transcendental activations — broadcasting, shared nodes; shrunk to a minimal program on failure) run on each
/// backend, rewritten and fused as plans always are, and must agree with the Reference backend running them op by
/// op, values and gradients. The smooth domain keeps comparisons and kinks out, so that rounding differences
/// between summation orders cannot flip a branch and make a correct backend look wrong; the full domain (kinks,
/// comparisons, rounding, max pooling) is compared too, where a flip needs a value within rounding of a threshold.
/// Random draws in programs come from constant keys, which plans fold; draws from a fed key run each backend's
/// own Philox kernel and must match the Reference's counter for counter.
/// </summary>
public class DifferentialFuzzTests
{
    public static TheoryData<string> Names => new("managed", "mkl", "openblas", "cuda");

    [SkippableTheory, MemberData(nameof(Names))]
    public void RandomProgramsAndTheirGradientsAgreeWithTheReference(string backendName) =>
        AgreeOnRandomPrograms(backendName, ExprDomain.Smooth, 60);

    [SkippableTheory, MemberData(nameof(Names))]
    public void ProgramsWithKinksAndComparisonsAgreeWithTheReference(string backendName) =>
        AgreeOnRandomPrograms(backendName, ExprDomain.Any, 40);

    private static void AgreeOnRandomPrograms(string backendName, ExprDomain domain, int count)
    {
        var backend = Cpu.Backends.Get(backendName);
        var property = Prop.ForAll(RandomExpr.Programs(domain), p =>
        {
            var e = p.Build();
            Expr[] outputs = [e.Output, .. Gradients(ReduceSum(Square(e.Output)), e.Inputs.ToArray())];
            Tensor[] expected, actual;
            using (var reference = Plan.CompileUnrewritten(outputs, Backend.Reference)) { expected = reference.Run(e.Feeds); }
            using (var plan = Plan.Compile(outputs, backend)) { actual = plan.Run(e.Feeds); }
            for (var i = 0; i < outputs.Length; i++)
            {
                var scale = expected[i].ToArray<double>().Where(double.IsFinite).Select(Math.Abs).DefaultIfEmpty(0).Max();
                Assert.True(actual[i].AllClose(expected[i], 1e-9, 1e-9 * Math.Max(1, scale)),
                    $"{backend.Name}: output {i} differs by {expected[i].MaxAbsDifference(actual[i]):E3}\n{p}");
            }
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(count), property);
    }

    /// <summary>
    /// Uniform, normal and Bernoulli draws and dropout (with its gradient) from a fed key of random words, in random
    /// shapes up to a few thousand elements (past the sizes where kernels split across threads), in both float
    /// types: Philox is counter-based, so every backend must draw the Reference's numbers; normals go through log,
    /// square root and cosine, which may round differently, hence the tolerance.
    /// </summary>
    [SkippableTheory, MemberData(nameof(Names))]
    public void DrawsFromAFedKeyAgreeWithTheReference(string backendName)
    {
        var backend = Cpu.Backends.Get(backendName);
        var cases = Gen.Choose(0, int.MaxValue).Select(seed => new Random(seed)).Select(rng => (
            Key: new[] { rng.Next(int.MinValue, int.MaxValue), rng.Next(int.MinValue, int.MaxValue) },
            Dims: Enumerable.Range(0, 1 + rng.Next(3)).Select(_ => 1 + rng.Next(rng.Next(4) == 0 ? 40 : 6)).ToArray(),
            P: 0.05 + 0.9 * rng.NextDouble(),
            DType: rng.Next(2) == 0 ? DType.Float32 : DType.Float64));
        var property = Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var key = Expr.Placeholder("key", Shape.Of(2), DType.Int32);
            var x = Expr.Placeholder("x", new Shape(c.Dims), c.DType);
            var dropped = Dropout(x, 1 - c.P, KeyAt(key, 3), training: true);
            Expr[] outputs =
            [
                RandomUniform(key, c.Dims, c.DType), RandomNormal(KeyAt(key, 1), c.Dims, c.DType), Bernoulli(KeyAt(key, 2), c.P, c.Dims, c.DType),
                dropped, Gradient(ReduceSum(Square(dropped)), x),
            ];
            var feeds = new Dictionary<Expr, Tensor>
            {
                [key] = Tensor.Create(Shape.Of(2), c.Key),
                [x] = RandomExpr.RandomValues(new Random(c.Key[0]), new Shape(c.Dims)).Cast(c.DType),
            };
            Tensor[] expected, actual;
            using (var reference = Plan.CompileUnrewritten(outputs, Backend.Reference)) { expected = reference.Run(feeds); }
            using (var plan = Plan.Compile(outputs, backend)) { actual = plan.Run(feeds); }
            var tolerance = c.DType == DType.Float32 ? 1e-5 : 1e-12;
            string[] names = ["uniform", "normal", "bernoulli", "dropout", "dropout gradient"];
            for (var i = 0; i < outputs.Length; i++)
            {
                Assert.True(actual[i].AllClose(expected[i], tolerance, tolerance),
                    $"{backend.Name}: {names[i]} of shape ({string.Join(", ", c.Dims)}) in {c.DType} from key ({c.Key[0]}, {c.Key[1]}) differs by {expected[i].MaxAbsDifference(actual[i]):E3}");
            }
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(30), property);
    }
}
