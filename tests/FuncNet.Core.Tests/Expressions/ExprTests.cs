using static FuncNet.Ops;

namespace FuncNet.Tests.Expressions;

/// <summary>Hash-consing, identity of inputs, printing and graph inspection.</summary>
public class ExprTests
{
    [Fact]
    public void SameOpOnSameInputsIsTheSameNode()
    {
        var x = Expr.Placeholder("x", 2, 3);
        var w = Expr.Placeholder("w", 3, 4);
        Assert.Same(MatMul(x, w), MatMul(x, w));
        Assert.Same(Sigmoid(x) + 1.0, Sigmoid(x) + 1.0);
        Assert.Same(ReduceSum(x, [1], true), ReduceSum(x, [-1], true));
        Assert.NotSame(ReduceSum(x, [1], true), ReduceSum(x, [1], false));
        Assert.NotSame(x + 1.0, x + 2.0);
        Assert.NotSame(MatMul(x, w), MatMul(x, w, false, false) * 1.0);
    }

    [Fact]
    public void PlaceholdersAndVariablesWithTheSameNameAreDistinct()
    {
        var a = Expr.Placeholder("x", 2);
        var b = Expr.Placeholder("x", 2);
        Assert.NotSame(a, b);
        Assert.NotEqual(a, b);
        Assert.NotSame(Exp(a), Exp(b));
        var v = Expr.Variable("w", Tensor.Ones(Shape.Of(2)));
        var u = Expr.Variable("w", Tensor.Ones(Shape.Of(2)));
        Assert.NotSame(v, u);
        // Distinct inputs really are fed separately.
        var values = Ops.Eval([a - b], new Dictionary<Expr, Tensor> { [a] = Tensor.FromArray(new[] { 3.0, 4.0 }), [b] = Tensor.FromArray(new[] { 1.0, 1.0 }) });
        Assert.Equal(Tensor.FromArray(new[] { 2.0, 3.0 }), values[0]);
    }

    [Fact]
    public void ToStringIsReadableInfix()
    {
        var x = Expr.Placeholder("x", 4, 3);
        var w = Expr.Placeholder("w", 3, 2);
        var b = Expr.Placeholder("b", 2);
        Assert.Equal("Sigmoid((MatMul(x, w) + b))", Sigmoid(MatMul(x, w) + b).ToString());
        Assert.Equal("(-x * 2.)", (-x * 2.0).ToString());
        Assert.Equal("ReduceSum(xᵀ, [1], keepDims)", ReduceSum(Transpose(x), [1], true).ToString());
    }

    [Fact]
    public void ToDotHasEveryNodeAndEdge()
    {
        var x = Expr.Placeholder("x", 2);
        var v = Expr.Variable("w", Tensor.Ones(Shape.Of(2)));
        var y = Sigmoid(x * v) + x;
        var dot = Graph.ToDot(y);
        Assert.StartsWith("digraph", dot);
        Assert.Contains("x\\nPlaceholder", dot);
        Assert.Contains("w\\nVariable", dot);
        Assert.Contains("Sigmoid", dot);
        Assert.Contains($"n{x.Id} -> n{y.Id};", dot);
        Assert.Contains($"n{x.Id} -> n{(x * v).Id};", dot);
        Assert.Equal(5, dot.Split('\n').Count(l => l.Contains("->", StringComparison.Ordinal)));
        Assert.Equal(5, dot.Split('\n').Count(l => l.Contains("[label=", StringComparison.Ordinal)));
    }

    [Fact]
    public void NodeCountCountsSharedNodesOnce()
    {
        var x = Expr.Placeholder("x", 3);
        var s = Sigmoid(x);
        var y = s * s + s;
        Assert.Equal(4, Graph.NodeCount(y));
        Assert.Equal(4, Graph.NodeCount(y, s, x));
        Assert.Equal(1, Graph.NodeCount(x));
    }
}
