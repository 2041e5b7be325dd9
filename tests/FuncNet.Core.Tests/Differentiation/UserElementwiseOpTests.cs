using FuncNet.Testing;
using static FuncNet.Ops;
using FuncNet.Expressions;

namespace FuncNet.Tests.Differentiation;

/// <summary>User-defined elementwise ops shared by the tests: a unary one and a broadcasting binary one.</summary>
internal static class UserOps
{
    /// <summary>x·σ(x) with its derivative written by hand.</summary>
    public static readonly Func<Expr, Expr> Swish =
        DefineElementwise("Swish", x => x * Sigmoid(x), (x, _) => Sigmoid(x) * (1.0 + x * (1.0 - Sigmoid(x))));

    /// <summary>ln(eᵃ + eᵇ), its partials written from the output: ∂/∂a = e^(a − y), ∂/∂b = e^(b − y).</summary>
    public static readonly Func<Expr, Expr, Expr> LogAddExp =
        DefineElementwise("LogAddExp", (a, b) => Log(Exp(a) + Exp(b)), (a, _, y) => Exp(a - y), (_, b, y) => Exp(b - y));
}

/// <summary><see cref="Ops.DefineElementwise(string, Func{Expr, Expr}, Func{Expr, Expr, Expr})"/>: values, gradients to second order, printing, errors.</summary>
public class UserElementwiseOpTests
{
    private static readonly Tensor A = Tensor.Create(Shape.Of(2, 3), [-1.2, -0.4, 0.1, 0.7, 1.3, 2.0]);
    private static readonly Tensor B = Tensor.Create(Shape.Of(3), [0.3, -0.8, 1.1]);

    [Fact]
    public void ValuesFollowTheFormula()
    {
        var y = UserOps.LogAddExp(Expr.Constant(A), Expr.Constant(B)).Eval();
        var a = A.ToDoubleArray();
        var b = B.ToDoubleArray();
        AssertClose(a.Select((v, i) => Math.Log(Math.Exp(v) + Math.Exp(b[i % 3]))).ToArray(), y.ToDoubleArray(), 1e-12);
        Assert.Equal(Shape.Of(2, 3), y.Shape);
    }

    [Fact]
    public void GradientsCheckToFirstAndSecondOrder()
    {
        GradCheck.Gradients(xs => ReduceSum(UserOps.Swish(xs[0]) * xs[0]), A).ThrowIfFailed();
        GradCheck.SecondOrder(xs => ReduceSum(UserOps.Swish(xs[0]) * xs[0]), A).ThrowIfFailed();
        GradCheck.Gradients(xs => ReduceSum(Square(UserOps.LogAddExp(xs[0], xs[1]))), A, B).ThrowIfFailed();
        GradCheck.SecondOrder(xs => ReduceSum(Square(UserOps.LogAddExp(xs[0], xs[1]))), A, B).ThrowIfFailed();
    }

    [Fact]
    public void PrintsWithItsNameAndIsOneNode()
    {
        var x = Expr.Placeholder("x", Shape.Of(2, 3));
        var y = UserOps.Swish(x);
        Assert.Equal("Swish(x)", y.ToString());
        Assert.Single(y.Inputs);
        Assert.Equal("Swish", y.Op.Name);
        // Its formula is the user's, composed into one scalar expression every code generator compiles.
        var formula = ((ElementwiseOp)y.Op).Formula([ScalarExpr.Arg(0)]);
        Assert.Equal(ScalarExpr.Arg(0).Evaluate([0.7]) / (1 + Math.Exp(-0.7)), formula.Evaluate([0.7]), 1e-15);
    }

    [Fact]
    public void RunsInFloat32()
    {
        var x = Expr.Placeholder("x", Shape.Of(2, 3), DType.Float32);
        var y = UserOps.Swish(x);
        Assert.Equal(DType.Float32, y.DType);
        var g = Gradient(ReduceSum(y), x).Eval((x, A.Cast(DType.Float32)));
        var expected = A.ToDoubleArray().Select(v => 1 / (1 + Math.Exp(-v)) * (1 + v * (1 - 1 / (1 + Math.Exp(-v))))).ToArray();
        AssertClose(expected, g.ToDoubleArray(), 1e-6);
    }

    private static void AssertClose(double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"element {i}: {actual[i]:R}, expected {expected[i]:R}");
        }
    }

    [Fact]
    public void BadDefinitionsAreNamedErrors()
    {
        var empty = Assert.Throws<FuncNetException>(() => DefineElementwise(" ", x => x, (x, _) => x));
        Assert.Contains("needs a name", empty.Message);
        var whole = Assert.Throws<FuncNetException>(() => DefineElementwise("Bad", x => Reshape(x, 1), (x, _) => x));
        Assert.Contains("DefineElementwise 'Bad'", whole.Message);
        Assert.Contains("elementwise", whole.Message);
        var nothing = Assert.Throws<FuncNetException>(() => DefineElementwise("Null", _ => null!, (x, _) => x));
        Assert.Contains("returned null", nothing.Message);
        var noDerivative = DefineElementwise("NoDerivative", x => x * x, (_, _) => null!);
        var x = Expr.Placeholder("x", Shape.Of(2));
        var missing = Assert.Throws<FuncNetException>(() => Gradient(ReduceSum(noDerivative(x)), x));
        Assert.Contains("'NoDerivative'", missing.Message);
    }
}
