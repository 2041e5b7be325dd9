using static FuncNet.Ops;

namespace FuncNet.Tests.Compilation;

/// <summary>Eager arithmetic on values agrees with the same Expr ops, broadcasts like them and fails like them.</summary>
public class TensorArithmeticTests
{
    private static readonly Tensor A = Tensor.FromArray(new[,] { { 1.0, -2.0, 3.0 }, { 4.0, 5.0, -6.0 } });
    private static readonly Tensor Row = Tensor.FromArray(new[] { 0.5, 2.0, -4.0 });

    private static Tensor ViaExpr(Func<Expr, Expr, Expr> op, Tensor a, Tensor b) => op(Expr.Constant(a), Expr.Constant(b)).Eval();

    [Fact]
    public void OperatorsAgreeWithTheExprOpsAndBroadcast()
    {
        Assert.Equal(ViaExpr(Add, A, Row), A + Row);
        Assert.Equal(ViaExpr(Subtract, A, Row), A - Row);
        Assert.Equal(ViaExpr(Multiply, A, Row), A * Row);
        Assert.Equal(ViaExpr(Divide, A, Row), A / Row);
        Assert.Equal(Negative(Expr.Constant(A)).Eval(), -A);
        Assert.Equal(Shape.Of(2, 3), (A + Row).Shape);
        // Spot values, so the comparison above cannot pass by both sides being wrong the same way.
        Assert.Equal(1.5, (A + Row)[0, 0]);
        Assert.Equal(-4.0, (A * Row)[0, 1]);
        Assert.Equal(1.5, (A / Row)[1, 2]);
        Assert.Equal(-5.0, (-A)[1, 1]);
    }

    [Fact]
    public void BareNumbersAreWeakAndKeepTheTensorsDType()
    {
        var f = Tensor.FromArray(new[] { 1f, 2f, 3f });
        var twice = f * 2.0;
        Assert.Equal(DType.Float32, twice.DType);
        Assert.Equal(new[] { 2f, 4f, 6f }, twice.ToFloatArray());
        Assert.Equal(new[] { 0f, -1f, -2f }, (1.0 - f).ToFloatArray());
        Assert.Equal(new[] { 2f, 1f, 2f / 3f }, (2.0 / f).ToFloatArray());
        Assert.Equal(new[] { 1.5, 2.5, 3.5 }, (Tensor.FromArray(new[] { 1.0, 2.0, 3.0 }) + 0.5).ToDoubleArray());
    }

    [Fact]
    public void MatMulIsTheMatrixProduct()
    {
        var b = Tensor.FromArray(new[,] { { 1.0, 0.0 }, { 0.0, 1.0 }, { 1.0, 1.0 } });
        var product = Tensor.MatMul(A, b);
        Assert.Equal(Shape.Of(2, 2), product.Shape);
        Assert.Equal(new[,] { { 4.0, 1.0 }, { -2.0, -1.0 } }, product.ToArray2D());
        Assert.Equal(product, A.MatMul(b));
        Assert.Equal(MatMul(Expr.Constant(A), Expr.Constant(b)).Eval(), product);
    }

    [Fact]
    public void ShapeAndDTypeErrorsAreTheOpsErrors()
    {
        var add = Assert.Throws<ShapeException>(() => A + Tensor.FromArray(new[] { 1.0, 2.0, 3.0, 4.0 }));
        Assert.Contains("Add", add.Message);
        Assert.Contains("(2, 3)", add.Message);
        Assert.Contains("(4,)", add.Message);
        var mm = Assert.Throws<ShapeException>(() => Tensor.MatMul(A, A));
        Assert.Contains("MatMul", mm.Message);
        Assert.Contains("(2, 3)", mm.Message);
        var dtype = Assert.Throws<DTypeException>(() => Row * Tensor.FromArray(new[] { 1f, 2f, 3f }));
        Assert.Contains("Multiply", dtype.Message);
        Assert.Contains("Float32", dtype.Message);
    }
}
