using FsCheck;
using FsCheck.Fluent;
using FuncNet.Backends.Tests.Cpu;
using FuncNet.Testing;
using static FuncNet.Ops;

namespace FuncNet.Backends.Tests.Reliability;

/// <summary>
/// Differential fuzzing: random programs from the core tests' generator (every op family, broadcasting,
/// shared nodes; shrunk to a minimal program on failure) run on each CPU backend, rewritten and fused as
/// plans always are, and must agree with the Reference backend running them op by op, values and gradients.
/// The smooth domain keeps comparisons and kinks out, so that rounding differences between summation orders
/// cannot flip a branch and make a correct backend look wrong.
/// </summary>
public class DifferentialFuzzTests
{
    public static TheoryData<string> Names => new("managed", "mkl");

    [SkippableTheory, MemberData(nameof(Names))]
    public void RandomProgramsAndTheirGradientsAgreeWithTheReference(string backendName)
    {
        var backend = Cpu.Backends.Get(backendName);
        var property = Prop.ForAll(RandomExpr.Programs(ExprDomain.Smooth), p =>
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
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(40), property);
    }
}
