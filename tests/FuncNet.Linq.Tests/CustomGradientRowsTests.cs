using static FuncNet.Ops;

namespace FuncNet.Linq.Tests;

/// <summary>StopGradient and custom VJPs inside <c>Rows()</c>: batched like built-in ops, with the same derivatives.</summary>
public class CustomGradientRowsTests
{
    private static readonly Tensor M = Tensor.Create(Shape.Of(2, 3), [0.5, -1.0, 2.0, 1.5, 0.25, -0.75]);

    [Fact]
    public void StopGradientInsideRows()
    {
        var x = Expr.Placeholder("x", Shape.Of(2, 3));
        var y = from row in x.Rows() select row * StopGradient(row);
        Assert.Equal(Shape.Of(2, 3), y.Shape);
        var value = y.Eval((x, M)).ToDoubleArray();
        var g = Gradient(ReduceSum(y), x).Eval((x, M)).ToDoubleArray();
        var m = M.ToDoubleArray();
        for (var i = 0; i < m.Length; i++)
        {
            Assert.Equal(m[i] * m[i], value[i], 12);
            Assert.Equal(m[i], g[i], 12);
        }
    }
}
