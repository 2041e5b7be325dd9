using static FuncNet.Ops;

namespace FuncNet.Backends.Tests.Cpu;

/// <summary>
/// What users add (StopGradient, a custom VJP over a Map formula) compiles on every backend like built-in ops:
/// values and gradients agree with the Reference backend.
/// </summary>
public class UserDefinedOpTests
{
    private static readonly Tensor X = Tensor.Create(Shape.Of(4, 5), Enumerable.Range(0, 20).Select(i => Math.Sin(i) * 2.0).ToArray());

    /// <summary>Swish, x·σ(x), as a user op: formula and derivative each one Map, joined by CustomVjp.</summary>
    private static Expr Swish(Expr x) => CustomVjp(
        "Swish",
        xs => Map(xs[0], a => a * Sigmoid(a)),
        (xs, _, g) => [g * Map(xs[0], a => Sigmoid(a) * (1.0 + a * (1.0 - Sigmoid(a))))],
        x);

    /// <summary>The same function defined as a named elementwise op, and a binary one: each compiles into the fused kernels.</summary>
    private static readonly Func<Expr, Expr> DefinedSwish =
        DefineElementwise("DefinedSwish", a => a * Sigmoid(a), (a, _) => Sigmoid(a) * (1.0 + a * (1.0 - Sigmoid(a))));

    private static readonly Func<Expr, Expr, Expr> SoftMax2 = DefineElementwise(
        "SoftMax2", (a, b) => Log(Exp(a) + Exp(b)), (a, b, y) => Exp(a - y), (a, b, y) => Exp(b - y));

    public static TheoryData<string, DType> Cases => new()
    {
        { "managed", DType.Float32 }, { "managed", DType.Float64 }, { "mkl", DType.Float64 }, { "openblas", DType.Float64 },
        { "cuda", DType.Float32 }, { "cuda", DType.Float64 },
    };

    [SkippableTheory, MemberData(nameof(Cases))]
    public void AgreeWithTheReference(string backendName, DType dtype)
    {
        var backend = Backends.Get(backendName);
        var x = Expr.Placeholder("x", Shape.Of(4, 5), dtype);
        var loss = ReduceSum(Swish(x) * StopGradient(Tanh(x)) + DefinedSwish(x) * SoftMax2(x, Sin(x)));
        var direction = Expr.Constant(Tensor.Ones(Shape.Of(4, 5), dtype));
        Expr[] outputs = [loss, Gradient(loss, x), Hvp(loss, [x], [direction])[0]];
        var feeds = new Dictionary<Expr, Tensor> { [x] = X.Cast(dtype) };
        using var reference = Plan.Compile(outputs, new ReferenceBackend());
        using var plan = Plan.Compile(outputs, backend);
        var expected = reference.Run(feeds);
        var actual = plan.Run(feeds);
        var tol = dtype == DType.Float32 ? 1e-5 : 1e-12;
        for (var i = 0; i < outputs.Length; i++)
        {
            Assert.True(actual[i].Cast(DType.Float64).AllClose(expected[i].Cast(DType.Float64), tol, tol),
                $"{backendName} {dtype} output {i}: differs by {actual[i].Cast(DType.Float64).MaxAbsDifference(expected[i].Cast(DType.Float64)):E2}");
        }
    }
}
