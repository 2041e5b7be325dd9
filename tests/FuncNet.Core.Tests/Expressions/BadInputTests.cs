using static FuncNet.Ops;

namespace FuncNet.Tests.Expressions;

/// <summary>Bad input fails early with a message that names the op or placeholder, what was expected and what was given.</summary>
public class BadInputTests
{
    [Fact]
    public void ShapeMismatchAtConstructionNamesTheOpAndBothShapes()
    {
        var a = Expr.Placeholder("a", 2, 3);
        var b = Expr.Placeholder("b", 4);
        var add = Assert.Throws<ShapeException>(() => a + b);
        Assert.Contains("Add", add.Message);
        Assert.Contains("(2, 3)", add.Message);
        Assert.Contains("(4,)", add.Message);
        var mm = Assert.Throws<ShapeException>(() => MatMul(a, Expr.Placeholder("c", 2, 5)));
        Assert.Contains("MatMul", mm.Message);
        Assert.Contains("(2, 3)", mm.Message);
        Assert.Contains("(2, 5)", mm.Message);
    }

    [Fact]
    public void FedTensorOfTheWrongShapeNamesThePlaceholder()
    {
        var x = Expr.Placeholder("images", -1, 3);
        var y = ReduceSum(x * 2.0);
        Assert.Equal(12.0, y.Eval((x, Tensor.Ones(Shape.Of(2, 3)))).ToScalar());
        var e = Assert.Throws<ShapeException>(() => y.Eval((x, Tensor.Ones(Shape.Of(2, 4)))));
        Assert.Contains("'images'", e.Message);
        Assert.Contains("(2, 4)", e.Message);
        Assert.Contains("(?, 3)", e.Message);
    }

    [Fact]
    public void FedTensorOfTheWrongDTypeNamesThePlaceholder()
    {
        var x = Expr.Placeholder("weights", Shape.Of(2));
        var e = Assert.Throws<DTypeException>(() => (x * 2.0).Eval((x, Tensor.FromArray(new[] { 1f, 2f }))));
        Assert.Contains("'weights'", e.Message);
        Assert.Contains("Float64", e.Message);
        Assert.Contains("Float32", e.Message);
    }

    [Fact]
    public void MissingFeedNamesThePlaceholder()
    {
        var x = Expr.Placeholder("features", 2);
        var y = Expr.Placeholder("labels", 2);
        var e = Assert.Throws<MissingFeedException>(() => (x + y).Eval((x, Tensor.Ones(Shape.Of(2)))));
        Assert.Contains("'labels'", e.Message);
        Assert.DoesNotContain("'features'", e.Message);
    }

    /// <summary>Documented on Ops.Gradients: a target the output does not depend on gets zeros of its own shape.</summary>
    [Fact]
    public void GradientWithRespectToAnUnconnectedNodeIsZerosOfItsShape()
    {
        var x = Expr.Placeholder("x", 3);
        var z = Expr.Placeholder("z", 2, 4);
        var grads = Gradients(ReduceSum(Square(x)), x, z);
        Assert.Equal(Shape.Of(2, 4), grads[1].Shape);
        var values = Ops.Eval(grads, new Dictionary<Expr, Tensor> { [x] = Tensor.FromArray(new[] { 1.0, 2.0, 3.0 }), [z] = Tensor.Ones(Shape.Of(2, 4)) });
        Assert.Equal(Tensor.FromArray(new[] { 2.0, 4.0, 6.0 }), values[0]);
        Assert.Equal(Tensor.Zeros(Shape.Of(2, 4)), values[1]);
    }

    [Fact]
    public void DTypeMismatchNamesTheOpAndBothDTypes()
    {
        var a = Expr.Placeholder("a", Shape.Of(2), DType.Float32);
        var b = Expr.Placeholder("b", Shape.Of(2), DType.Float64);
        var e = Assert.Throws<DTypeException>(() => a * b);
        Assert.Contains("Multiply", e.Message);
        Assert.Contains("Float32", e.Message);
        Assert.Contains("Float64", e.Message);
        var i = Expr.Placeholder("i", Shape.Of(2), DType.Int32);
        Assert.Contains("Exp", Assert.Throws<DTypeException>(() => Exp(i)).Message);
        // A bare number adopts the other operand's dtype instead of failing.
        Assert.Equal(DType.Float32, (a * 2.0).DType);
    }

    [Fact]
    public void BadAxesNameTheOpTheAxisAndTheShape()
    {
        var x = Expr.Placeholder("x", 2, 3);
        var sum = Assert.Throws<ShapeException>(() => ReduceSum(x, 2));
        Assert.Contains("ReduceSum", sum.Message);
        Assert.Contains("axis 2", sum.Message);
        Assert.Contains("(2, 3)", sum.Message);
        Assert.Contains("Softmax", Assert.Throws<ShapeException>(() => Softmax(x, -3)).Message);
        Assert.Contains("distinct", Assert.Throws<ShapeException>(() => ReduceMax(x, 1, -1)).Message);
        Assert.Contains("Transpose", Assert.Throws<ShapeException>(() => Transpose(x, 0, 0)).Message);
        Assert.Contains("Concat", Assert.Throws<ShapeException>(() => Concat([x, x], 5)).Message);
    }
}
