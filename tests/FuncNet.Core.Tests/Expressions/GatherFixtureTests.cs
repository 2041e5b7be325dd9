using static FuncNet.Ops;

namespace FuncNet.Tests.Expressions;

/// <summary>
/// Take and Gather against PyTorch 1.13's <c>index_select</c> and <c>gather</c>: values and the gradient of
/// sum(R · op(x)), from tests/fixtures/torch/gather.json (written by make_gather.py beside it).
/// </summary>
public class GatherFixtureTests
{
    public static TheoryData<string> Cases =>
        new(Fixtures.Load("torch/gather.json").GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("name").GetString()!));

    [Theory]
    [MemberData(nameof(Cases))]
    public void ValuesAndGradientsAgreeWithPyTorch(string name)
    {
        var c = Fixtures.Load("torch/gather.json").GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        var xValue = Fixtures.Tensor(c.GetProperty("x"));
        var index = Expr.Constant(Fixtures.Tensor(c.GetProperty("index")).Cast(DType.Int32));
        var dim = c.GetProperty("dim").GetInt32();
        var x = Expr.Placeholder("x", xValue.Shape);
        var output = c.GetProperty("op").GetString() == "gather" ? Gather(x, index, dim, dim) : Take(x, index, dim);
        var loss = ReduceSum(Expr.Constant(Fixtures.Tensor(c.GetProperty("weight"))) * output);
        var results = Eval([output, Gradient(loss, x)], new Dictionary<Expr, Tensor> { [x] = xValue });
        Assert.True(results[0].AllClose(Fixtures.Tensor(c.GetProperty("output")), 1e-12, 1e-12), $"{name}: output");
        Assert.True(results[1].AllClose(Fixtures.Tensor(c.GetProperty("grad_x")), 1e-12, 1e-12), $"{name}: gradient");
    }
}
