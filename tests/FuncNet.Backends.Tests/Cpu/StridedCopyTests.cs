using FuncNet.Lowering;
using FuncNet.Tensors;

namespace FuncNet.Backends.Tests.Cpu;

/// <summary>
/// The CPU backend's strided copy (what transposes and broadcasts lower to) against the Reference backend, at
/// layouts it once left to the reference kernel: a rank-3 transpose and broadcasts along inner and middle axes.
/// </summary>
public class StridedCopyTests
{
    public static TheoryData<string> Cases => new() { "transpose 2,0,1", "transpose 1,0", "broadcast middle", "broadcast column", "broadcast scalar", "empty" };

    private static (Expr Node, Expr Input, Shape InputShape) Build(string name)
    {
        Expr P(params int[] dims) => Expr.Placeholder("x", Shape.Of(dims), DType.Float64);
        return name switch
        {
            "transpose 2,0,1" => Make(P(2, 3, 4), x => Expr.Make(new TransposeOp(new IntList([2, 0, 1])), x)),
            "transpose 1,0" => Make(P(5, 3), x => Expr.Make(new TransposeOp(new IntList([1, 0])), x)),
            "broadcast middle" => Make(P(2, 1, 4), x => Expr.Make(new BroadcastToOp(Shape.Of(3, 2, 5, 4)), x)),
            "broadcast column" => Make(P(3, 1), x => Expr.Make(new BroadcastToOp(Shape.Of(3, 4)), x)),
            "broadcast scalar" => Make(P(), x => Expr.Make(new BroadcastToOp(Shape.Of(2, 2)), x)),
            _ => Make(P(0, 3), x => Expr.Make(new TransposeOp(new IntList([1, 0])), x)),
        };

        static (Expr, Expr, Shape) Make(Expr x, Func<Expr, Expr> f) => (f(x), x, x.Shape);
    }

    [Theory, MemberData(nameof(Cases))]
    public void MatchesTheReferenceKernel(string name)
    {
        var (node, input, shape) = Build(name);
        var kind = Assert.IsType<StridedCopyKind>(node.Op.Lower([shape], [DType.Float64], node.Shape, DType.Float64));
        Assert.True(kind.Dims.Count <= node.Rank, kind.Describe());
        Assert.IsNotType<ReferenceBackend.ReferenceKernel>(Backends.Managed.Prepare(node, [shape], node.Shape, DType.Float64));
        var feed = Tensor.Create(shape, Enumerable.Range(0, shape.Size).Select(i => i + 0.5).ToArray());
        var feeds = new Dictionary<Expr, Tensor> { [input] = feed };
        using var plan = Plan.Compile([node], Backends.Managed);
        using var oracle = Plan.Compile([node], Backend.Reference);
        var expected = oracle.Run(feeds)[0];
        var actual = plan.Run(feeds)[0];
        Assert.Equal(expected.Shape, actual.Shape);
        Assert.Equal(expected.ToDoubleArray(), actual.ToDoubleArray());
    }

    [Fact]
    public void ABiasBroadcastMergesIntoRowsOfOneCopy()
    {
        var kind = StridedCopyKind.Broadcast(Shape.Of(4), Shape.Of(2, 3, 4));
        Assert.Equal([6, 4], kind.Dims);
        Assert.Equal([0, 1], kind.Strides);
    }
}
