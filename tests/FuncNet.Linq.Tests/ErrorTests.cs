using FuncNet.Lowering;
using FuncNet.Transforms;

using static FuncNet.Ops;

namespace FuncNet.Linq.Tests;

/// <summary>Bad queries fail at construction with a FuncNetException naming the query and the shapes.</summary>
public class ErrorTests
{
    [Fact]
    public void NonElementwiseBody()
    {
        var x = Expr.Placeholder("x", 2, 3);
                var e = Assert.Throws<QueryException>(() => from a in x select ReduceSum(MatMul(ExpandDims(a, 0, 1), ExpandDims(a, 0, 1))));
        Assert.Contains("Select over (2, 3)", e.Message);
        Assert.Contains("elementwise", e.Message);
        Assert.IsAssignableFrom<FuncNetException>(e);
    }

    [Fact]
    public void RowsOnAScalar()
    {
        var s = Expr.Placeholder("s");
        var e = Assert.Throws<ShapeException>(() => from row in s.Rows() select row * 2.0);
        Assert.Contains("Rows", e.Message);
        Assert.Contains("shape ()", e.Message);
    }

    [Fact]
    public void MismatchedZipShapes()
    {
        Expr x = Expr.Placeholder("x", 2, 3), y = Expr.Placeholder("y", 4);
        var e = Assert.Throws<ShapeException>(() => x.Zip(y, (a, b) => a + b));
        Assert.Contains("Zip", e.Message);
        Assert.Contains("(2, 3) and (4,)", e.Message);
    }

    [Fact]
    public void DependentSecondSource()
    {
        var x = Expr.Placeholder("x", 2);
        var e = Assert.Throws<QueryException>(() => from a in x from b in x * a select a + b);
        Assert.Contains("SelectMany", e.Message);
    }

    [Fact]
    public void OpWithoutBatchingRuleIsNamed()
    {
        var x = Expr.Placeholder("x", 2, 3);
        // A map symbol is only meaningful inside a map body, so it has no batching rule of its own; a
        // placeholder-like op without a rule shows the message every such op gives.
        var e = Assert.Throws<FuncNetException>(() => Vmap.Apply(x, row => Expr.Make(new FakeOp(), row), "Rows().Select"));
        Assert.Contains("Fake", e.Message);
        Assert.Contains("no batching rule", e.Message);
    }

    private sealed record FakeOp : Op
    {
        public override string Name => "Fake";
        internal override (Shape Shape, DType DType) Infer(IReadOnlyList<Shape> shapes, IReadOnlyList<DType> dtypes) => (shapes[0], dtypes[0]);
        internal override Tensor Reference(IReadOnlyList<Tensor> inputs, Shape outputShape, DType outputDType) => inputs[0];
        internal override Expr?[] Vjp(Expr node, Expr gradient) => [gradient];
        internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents) => tangents[0];
        internal override KernelKind Lower(IReadOnlyList<Shape> inputs, IReadOnlyList<DType> dtypes, Shape shape, DType dtype) => new ReferenceOnlyKind("a test op");
    }
}
