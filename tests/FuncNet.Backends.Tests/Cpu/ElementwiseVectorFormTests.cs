using System.Numerics;
using FuncNet.Backends.Cpu;
using static FuncNet.Ops;
using FuncNet.Expressions;
using FuncNet.Rewriting;

namespace FuncNet.Backends.Tests.Cpu;

/// <summary>
/// No primitive drops a fused kernel to scalar code (issue 12 item 5): every primitive has a vector form in
/// the managed code generator, and a fused kernel built around each one runs its vector loop and equals the
/// Reference backend.
/// </summary>
public class ElementwiseVectorFormTests
{
    [Fact]
    public void EveryPrimitiveHasAVectorForm()
    {
        var missing = Enum.GetValues<ScalarFn>().Where(fn => !ElementwiseCompiler.HasVectorForm(fn)).ToList();
        Assert.True(missing.Count == 0, $"primitives without a vector form: {string.Join(", ", missing)}");
    }

    /// <summary>Each op inside arithmetic on both sides, so that the fused group is more than the op itself.</summary>
    public static TheoryData<string> Ops => new(Fused.Keys);

    private static readonly Dictionary<string, Func<Expr, Expr, Expr>> Fused = new()
    {
        ["Tanh"] = (x, b) => Tanh(x * 1.5 + b) * 2.0,
        ["Log1p"] = (x, b) => Log1p(Abs(x) * 0.5) + b,
        ["Pow"] = (x, b) => Pow(Abs(x) + 0.5, b) - x,
        ["Sign"] = (x, b) => Sign(x - b) * x,
        ["Sin"] = (x, b) => Sin(x * 3.0) + b,
        ["Cos"] = (x, b) => Cos(x + b) * x,
        ["Expm1"] = (x, b) => Expm1(x * 0.01 + b * 1e-3) * 100.0,
        ["Erf"] = (x, b) => Erf(x * 2.0) + b,
        ["Gelu"] = (x, b) => Gelu(x + b) + Gelu(x, GeluApproximation.Tanh),
        ["Silu"] = (x, b) => Silu(x * 2.0 - b),
        ["Rsqrt"] = (x, b) => Rsqrt(Square(x) + 0.25) * b,
        ["Clip"] = (x, b) => Clip(x * 3.0, -1.0, 0.5) + b,
        ["Floor"] = (x, b) => Floor(x * 4.0) + b,
        ["Round"] = (x, b) => Round(x * 4.0) - b,
    };

    [SkippableTheory]
    [MemberData(nameof(Ops))]
    public void FusedKernelIsVectorizedAndEqualsTheReference(string name)
    {
        Skip.IfNot(Vector.IsHardwareAccelerated, "Vector<T> is not hardware-accelerated on this machine.");
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            var x = Expr.Placeholder("x", Shape.Of(3, 37), dtype);
            var b = Expr.Placeholder("b", Shape.Of(37), dtype);
            var y = Fused[name](x, b);
            var fused = Fusion.Fuse([y]).Single();
            var map = Assert.IsAssignableFrom<ElementwiseOp>(fused.Op);
            var formula = map.Formula(Enumerable.Range(0, fused.Inputs.Count).Select(ScalarExpr.Arg).ToArray());
            Assert.True(ElementwiseCompiler.IsVectorized(formula), $"{name} {dtype}: the fused kernel {formula} compiles to scalar code only");

            // Values that hit halves, bounds and signs: multiples of 1/8 and a spread of random ones.
            var rng = new Random(7);
            var xs = Tensor.Create(Shape.Of(3, 37), Enumerable.Range(0, 111).Select(i => i % 3 == 0 ? (i - 55) / 8.0 : rng.NextDouble() * 4 - 2).ToArray()).Cast(dtype);
            var bs = Tensor.Create(Shape.Of(37), Enumerable.Range(0, 37).Select(_ => rng.NextDouble() + 0.25).ToArray()).Cast(dtype);
            var feeds = new Dictionary<Expr, Tensor> { [x] = xs, [b] = bs };
            using var reference = Plan.Compile([y], new ReferenceBackend());
            using var managed = Plan.Compile([y], Backends.Managed);
            var expected = reference.Run(feeds)[0].Cast(DType.Float64);
            var actual = managed.Run(feeds)[0].Cast(DType.Float64);
            var tol = dtype == DType.Float32 ? 1e-5 : 1e-12;
            Assert.True(actual.AllClose(expected, tol, tol), $"{name} {dtype}: differs from Reference by {actual.MaxAbsDifference(expected):E2}");
        }
    }

    /// <summary>The vector tanh over a dense sweep (both branches, the switch at 0.25, the saturated tails) and its special values.</summary>
    [Fact]
    public void VectorTanhMatchesMathTanh()
    {
        var worst64 = 0.0;
        var worst32 = 0.0;
        for (var k = -40000; k <= 40000; k++)
        {
            var x = k * 5e-4 * (1 + Math.Abs(k) / 4000.0);
            var v64 = VectorMath.Tanh(new Vector<double>(x))[0];
            worst64 = Math.Max(worst64, Math.Abs(v64 - Math.Tanh(x)) / Math.Max(Math.Abs(Math.Tanh(x)), 1e-300));
            var v32 = VectorMath.Tanh(new Vector<float>((float)x))[0];
            var exact32 = Math.Tanh((float)x);
            worst32 = Math.Max(worst32, Math.Abs(v32 - exact32) / Math.Max(Math.Abs(exact32), 1e-30));
        }
        Assert.True(worst64 < 2e-15, $"double: worst relative error {worst64:E2}");
        Assert.True(worst32 < 5e-7, $"float: worst relative error {worst32:E2}");
        Assert.Equal(1.0, VectorMath.Tanh(new Vector<double>(double.PositiveInfinity))[0]);
        Assert.Equal(-1.0f, VectorMath.Tanh(new Vector<float>(float.NegativeInfinity))[0]);
        Assert.True(double.IsNaN(VectorMath.Tanh(new Vector<double>(double.NaN))[0]));
        Assert.Equal(0.0, VectorMath.Tanh(Vector<double>.Zero)[0]);
    }
}
