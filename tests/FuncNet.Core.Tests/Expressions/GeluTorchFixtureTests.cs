using static FuncNet.Ops;

namespace FuncNet.Tests.Expressions;

/// <summary>
/// GELU, exact and tanh, against PyTorch (tests/fixtures/torch/gelu.json, written by make_gelu.py beside it):
/// values and first and second derivatives, in Float64 and Float32.
/// </summary>
public class GeluTorchFixtureTests
{
    public static TheoryData<string, DType> Cases => new()
    {
        { "none", DType.Float64 }, { "tanh", DType.Float64 }, { "none", DType.Float32 }, { "tanh", DType.Float32 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ValuesAndDerivativesMatchPyTorch(string approximate, DType dtype)
    {
        var fixture = Fixtures.Load("torch/gelu.json");
        var points = Fixtures.Tensor(fixture.GetProperty("x"));
        var expected = fixture.GetProperty(dtype == DType.Float64 ? "float64" : "float32").GetProperty(approximate);
        var x = Expr.Placeholder("x", points.Shape, dtype);
        var y = Gelu(x, approximate == "none" ? GeluApproximation.None : GeluApproximation.Tanh);
        var dy = Gradient(ReduceSum(y), x);
        var d2y = Gradient(ReduceSum(dy), x);
        var actual = Eval([y, dy, d2y], new Dictionary<Expr, Tensor> { [x] = points.Cast(dtype) });
        // The same formulas with different erf and tanh implementations; Float32 second derivatives chain a dozen roundings.
        var tol = dtype == DType.Float64 ? 1e-13 : 1e-5;
        string[] names = ["y", "dy", "d2y"];
        for (var i = 0; i < names.Length; i++)
        {
            var want = Fixtures.Tensor(expected.GetProperty(names[i]));
            var got = actual[i].Cast(DType.Float64);
            Assert.True(got.AllClose(want, tol, tol), $"GELU {approximate} {dtype} {names[i]}: differs from PyTorch by {got.MaxAbsDifference(want):E2}");
        }
    }
}
