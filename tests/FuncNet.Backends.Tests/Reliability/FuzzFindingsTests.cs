using FuncNet.Backends.Tests.Cpu;
using static FuncNet.Ops;

namespace FuncNet.Backends.Tests.Reliability;

/// <summary>Programs differential fuzzing found failing, kept as fixed cases on every backend once fixed.</summary>
public class FuzzFindingsTests
{
    public static TheoryData<string> Names => DifferentialFuzzTests.Names;

    /// <summary>
    /// Fusion rebuilds elementwise ops on scalar symbols, and BatchNorm's batch check is an elementwise op: fused
    /// with an elementwise producer, it once rejected the scalar as "a batch of one" and the plan did not compile.
    /// </summary>
    [SkippableTheory, MemberData(nameof(Names))]
    public void BatchNormOfAnElementwiseProductFusesAndAgreesWithTheReference(string backendName)
    {
        var backend = Cpu.Backends.Get(backendName);
        var x = Expr.Placeholder("x", 2, 3, 2);
        var z = Expr.Placeholder("z", 2, 3, 2);
        var gamma = Expr.Placeholder("gamma", 3);
        var y = BatchNorm(x * Softplus(z), gamma, gamma * 0.5);
        Expr[] outputs = [y, .. Gradients(ReduceSum(Square(y)), [x, z, gamma])];
        var feeds = new Dictionary<Expr, Tensor>
        {
            [x] = FuncNet.Testing.RandomExpr.RandomValues(new Random(1), x.Shape),
            [z] = FuncNet.Testing.RandomExpr.RandomValues(new Random(2), z.Shape),
            [gamma] = FuncNet.Testing.RandomExpr.RandomValues(new Random(3), gamma.Shape),
        };
        Tensor[] expected, actual;
        using (var reference = Plan.CompileUnrewritten(outputs, Backend.Reference)) { expected = reference.Run(feeds); }
        using (var plan = Plan.Compile(outputs, backend)) { actual = plan.Run(feeds); }
        for (var i = 0; i < outputs.Length; i++)
        {
            Assert.True(actual[i].AllClose(expected[i], 1e-12, 1e-12), $"{backend.Name}: output {i} differs by {actual[i].MaxAbsDifference(expected[i]):E2}");
        }
    }
}
