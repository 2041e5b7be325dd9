using static FuncNet.Ops;

namespace FuncNet.Tests.Differentiation;

/// <summary>Gradients are expressions, so they differentiate again: second (and third) derivatives against closed forms.</summary>
public class HigherOrderTests
{
    private static readonly double[] Points = [-2.0, -0.7, 0.3, 1.1, 2.5];

    public static TheoryData<string> Cases => new("cube", "sigmoid", "tanh", "exp", "log", "softplus");

    [Theory]
    [MemberData(nameof(Cases))]
    public void SecondDerivativeMatchesClosedForm(string name)
    {
        var x = Expr.Placeholder("x", Points.Length);
        (Func<Expr, Expr> f, Func<double, double> d2) = name switch
        {
            "cube" => ((Func<Expr, Expr>)(v => v * v * v), (Func<double, double>)(v => 6 * v)),
            "sigmoid" => (Sigmoid, v => S(v) * (1 - S(v)) * (1 - 2 * S(v))),
            "tanh" => (Tanh, v => -2 * Math.Tanh(v) * (1 - Math.Tanh(v) * Math.Tanh(v))),
            "exp" => (Exp, Math.Exp),
            "log" => (v => Log(Square(v)), v => -2 / (v * v)),
            _ => (Softplus, v => S(v) * (1 - S(v))),
        };
        var first = Gradient(ReduceSum(f(x)), x);
        var second = Gradient(ReduceSum(first), x);
        var values = second.Eval((x, Tensor.FromArray(Points))).ToDoubleArray();
        for (var i = 0; i < Points.Length; i++)
        {
            Assert.Equal(d2(Points[i]), values[i], 10);
        }
    }

    [Fact]
    public void ThirdDerivativeOfCubeIsSix()
    {
        var x = Expr.Placeholder("x");
        var d = x * x * x;
        for (var i = 0; i < 3; i++) { d = Gradient(d, x); }
        Assert.Equal(6.0, d.Eval((x, 0.37)).ToScalar(), 12);
    }

    [Fact]
    public void MixedSecondDerivative()
    {
        // f = x²·y³: ∂²f/∂x∂y = 6·x·y².
        var x = Expr.Placeholder("x");
        var y = Expr.Placeholder("y");
        var dxdy = Gradient(Gradient(Square(x) * y * y * y, x), y);
        Assert.Equal(6 * 1.5 * 0.4 * 0.4, dxdy.Eval((x, 1.5), (y, 0.4)).ToScalar(), 12);
    }

    private static double S(double v) => 1 / (1 + Math.Exp(-v));
}
