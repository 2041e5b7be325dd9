using static FuncNet.Ops;

namespace FuncNet.Tests.Expressions;

/// <summary>Values of the transcendental, activation and rounding ops at points whose answers are known, and their edge cases.</summary>
public class NewElementwiseOpTests
{
    private static double[] At(Func<Expr, Expr> f, params double[] xs) => f(Expr.Constant(Tensor.FromArray(xs))).Eval().ToDoubleArray();

    [Fact]
    public void RoundTakesHalvesToEvenAndFloorGoesDown()
    {
        Assert.Equal([0.0, 2.0, -2.0, 2.0, -0.0, 3.0], At(Round, 0.5, 1.5, -2.5, 2.5, -0.4, 2.6));
        Assert.Equal([0.0, 1.0, -3.0, -1.0], At(Floor, 0.5, 1.5, -2.5, -1.0));
    }

    [Fact]
    public void ClipLimitsAndItsGradientIsOneAtTheBounds()
    {
        var x = Expr.Placeholder("x", Shape.Of(5));
        var data = Tensor.FromArray(new[] { -2.0, -1.0, 0.3, 1.0, 4.0 });
        Assert.Equal([-1.0, -1.0, 0.3, 1.0, 1.0], Clip(x, -1.0, 1.0).Eval((x, data)).ToDoubleArray());
        Assert.Equal([0.0, 1.0, 1.0, 1.0, 0.0], Gradient(ReduceSum(Clip(x, -1.0, 1.0)), x).Eval((x, data)).ToDoubleArray());
    }

    [Fact]
    public void ClipBoundsOutOfOrderAreRejected()
    {
        var x = Expr.Placeholder("x", Shape.Of(2));
        Assert.Contains("min = 2 and max = 1", Assert.Throws<FuncNetException>(() => Clip(x, 2.0, 1.0)).Message);
        Assert.Throws<FuncNetException>(() => Clip(x, double.NaN, 1.0));
    }

    [Fact]
    public void TranscendentalsAtKnownPoints()
    {
        var sin = At(Sin, 0.0, Math.PI / 6, -Math.PI / 2);
        Assert.Equal(0.5, sin[1], 15);
        Assert.Equal(-1.0, sin[2], 15);
        Assert.Equal(0.5, At(Cos, Math.PI / 3)[0], 15);
        // Near 0, where Exp(x) − 1 and Log(1 + x) would keep no digit.
        Assert.Equal(1.0, At(Expm1, 1e-12)[0] / 1e-12, 11);
        Assert.Equal(1.0, At(Log1p, 1e-12)[0] / 1e-12, 11);
        Assert.Equal(0.5, At(Rsqrt, 4.0)[0], 15);
        Assert.Equal(0.8427007929497149, At(Erf, 1.0)[0], 15);
        Assert.Equal(1.0 / (1.0 + Math.Exp(-2.0)) * 2.0, At(Silu, 2.0)[0], 15);
        Assert.Equal(At(Silu, -1.3), At(Swish, -1.3));
        Assert.Equal(0.841344746068543, At(Gelu, 1.0)[0], 15);
        Assert.Equal("Gelu(x, Tanh)", Gelu(Expr.Placeholder("x", Shape.Of(2)), GeluApproximation.Tanh).ToString());
    }

    [Fact]
    public void FloatTypesAreKeptAndIntegersRejected()
    {
        var x = Expr.Placeholder("x", Shape.Of(2), DType.Float32);
        Assert.All(new[] { Sin(x), Erf(x), Gelu(x), Round(x), Clip(x, 0, 1) }, e => Assert.Equal(DType.Float32, e.DType));
        Assert.Throws<DTypeException>(() => Erf(Expr.Placeholder("i", Shape.Of(2), DType.Int32)));
    }
}
