using FuncNet.Expressions;
using FuncNet.Tensors;

using static FuncNet.Ops;

namespace FuncNet.Tests.Tensors;

/// <summary>
/// Size, stride and index arithmetic of shapes and structural ops under values chosen to overflow Int32 and
/// Int64: each must give a ShapeException naming the shape, or the right (empty) answer, never a wrapped number.
/// </summary>
public class HostileShapeArithmeticTests
{
    [Fact]
    public void ShapesBeyondTheElementLimitThrowNamingTheShape()
    {
        // 2²⁴ · 2²⁰ · 2²⁰ = 2⁶⁴, which unchecked 64-bit arithmetic reads as 0.
        foreach (var dims in new[] { new[] { 16777216, 1048576, 1048576 }, [46341, 46341], [Shape.MaxSize + 1], [int.MaxValue, 2] })
        {
            var shape = Shape.Of(dims);
            var e = Assert.Throws<ShapeException>(() => shape.Size);
            Assert.Contains(shape.ToString(), e.Message);
            Assert.Contains("2,147,483,591", e.Message);
        }
        Assert.Equal(Shape.MaxSize, Shape.Of(Shape.MaxSize).Size);
        Assert.Equal(Shape.MaxSize, Array.MaxLength);
        // A zero dimension makes the shape empty whatever the others are.
        Assert.Equal(0, Shape.Of(int.MaxValue, 0, int.MaxValue).Size);
        Assert.Equal([int.MaxValue, 1], Shape.Of(0, int.MaxValue).Strides());
        Assert.Contains("(0, 65536, 65536)", Assert.Throws<ShapeException>(() => Shape.Of(0, 65536, 65536).Strides()).Message);
    }

    [Fact]
    public void AReshapeWhoseTargetOverflowsIsRejected()
    {
        var empty = Expr.Placeholder("e", Shape.Of(0));
        var e = Assert.Throws<ShapeException>(() => Reshape(empty, 16777216, 1048576, 1048576));
        Assert.Contains("Reshape", e.Message);
        Assert.Contains("(16777216, 1048576, 1048576)", e.Message);
        Assert.Throws<ShapeException>(() => Reshape(Expr.Placeholder("u", Shape.Of(-1)), 16777216, 1048576, 1048576));
        // Legitimate empty reshapes still work; an inferred length beside a 0 is ambiguous.
        Assert.Equal(Shape.Of(3, 0), Reshape(empty, 3, 0).Shape);
        Assert.Contains("-1", Assert.Throws<ShapeException>(() => Reshape(empty, 0, -1)).Message);
    }

    [Fact]
    public void SliceBoundsThatOverflowInt32AreShapeErrors()
    {
        var c = Expr.Constant(Tensor.Create(Shape.Of(3, 3, 3), Enumerable.Range(0, 27).Select(i => (double)i).ToArray()));
        var v = Expr.Constant(Tensor.FromArray(new[] { 1.0, 2.0, 3.0, 4.0, 5.0 }));
        foreach (var build in new Func<Expr>[]
        {
            () => Slice(c, [2, int.MaxValue, int.MaxValue], [1, 1, 1]),
            () => Slice(v, [int.MaxValue], [1]),
            () => Slice(v, [int.MaxValue], [-1]),
            () => Slice(v, [4], [int.MaxValue]),
        })
        {
            var e = Assert.Throws<ShapeException>(build);
            Assert.Contains("Slice", e.Message);
        }
        Assert.Equal(Tensor.FromArray(new[] { 5.0 }), Slice(v, [4], [1]).Eval());
        Assert.Equal(Shape.Of(0), Slice(v, [5], [0]).Shape);
    }

    [Fact]
    public void AConcatWhoseLengthOverflowsIsRejected()
    {
        var a = Expr.Placeholder("a", Shape.Of(1 << 30, 0));
        var e = Assert.Throws<ShapeException>(() => Concat([a, a], 0));
        Assert.Contains("Concat", e.Message);
        Assert.Contains("(1073741824, 0)", e.Message);
        Assert.Equal(Shape.Of((1 << 30) + 5, 0), Concat([a, Expr.Placeholder("b", Shape.Of(5, 0))], 0).Shape);
        var block = Expr.Placeholder("block", Shape.Of(3));
        Assert.Throws<ShapeException>(() => Expr.Make(new PadIntoOp(new IntList([int.MaxValue])), block, Expr.Placeholder("like", Shape.Of(4))));
    }

    [Fact]
    public void ArgMaxOverAZeroLengthAxisIsAnError()
    {
        var e = Assert.Throws<ShapeException>(() => ArgMax(Expr.Placeholder("x", Shape.Of(3, 0))));
        Assert.Contains("ArgMax", e.Message);
        Assert.Contains("(3, 0)", e.Message);
        Assert.Throws<ShapeException>(() => ArgMax(Expr.Placeholder("y", Shape.Of(0, 3)), 0));
        // Known only when fed: checked when the plan is specialized to the fed shape.
        var p = Expr.Placeholder("p", Shape.Of(3, -1));
        var fed = Assert.Throws<ShapeException>(() => ArgMax(p).Eval((p, Tensor.Zeros(Shape.Of(3, 0)))));
        Assert.Contains("(3, 0)", fed.Message);
        // Over a non-empty axis of an empty tensor, the result is empty.
        Assert.Equal(Shape.Of(0), ArgMax(Expr.Placeholder("z", Shape.Of(0, 3))).Shape);
    }

    [Fact]
    public void AnAxisOfAScalarSaysTheScalarHasNoAxes()
    {
        var s = Expr.Placeholder("s");
        foreach (var build in new Func<Expr>[] { () => Softmax(s), () => LogSoftmax(s, 0), () => ArgMax(s), () => ReduceSum(s, -1) })
        {
            var e = Assert.Throws<ShapeException>(build);
            Assert.Contains("no axes", e.Message);
            Assert.DoesNotContain("-0", e.Message);
        }
    }

    [Fact]
    public void ReferenceSoftmaxOfAnEmptyLastAxisIsEmpty()
    {
        var x = Expr.Placeholder("x", Shape.Of(4, 0));
        var values = Eval([Softmax(x), LogSoftmax(x), Softmax(x, 0), LogSoftmax(x, 0)], new Dictionary<Expr, Tensor> { [x] = Tensor.Zeros(Shape.Of(4, 0)) });
        Assert.All(values, v => Assert.Equal(Shape.Of(4, 0), v.Shape));
    }
}
