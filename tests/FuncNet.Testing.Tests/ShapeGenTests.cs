using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace FuncNet.Testing.Tests;

/// <summary>Generated shapes respect their bounds, pairs broadcast, batched shapes fit, and every shrink stays valid.</summary>
public class ShapeGenTests
{
    private static bool Broadcasts(BroadcastPair p) => Shape.TryBroadcast(p.Left, p.Right) is not null;

    [Property(MaxTest = 200)]
    public Property ShapesAreBoundedAndShrinkToSmallerShapes() =>
        Prop.ForAll(ShapeGen.ShapeArbitrary(3, 4), s =>
        {
            Assert.InRange(s.Rank, 0, 3);
            Assert.All(s, d => Assert.InRange(d, 1, 4));
            Assert.All(ShapeGen.Shrink(s), smaller => Assert.True(smaller.Size < s.Size || smaller.Rank < s.Rank, $"{smaller} is no smaller than {s}"));
        });

    [Property(MaxTest = 300)]
    public Property BroadcastPairsBroadcastAndSoDoTheirShrinks() =>
        Prop.ForAll(ShapeGen.BroadcastPairArbitrary(4, 3), p =>
        {
            Assert.True(Broadcasts(p), $"{p.Left} and {p.Right}");
            Assert.All(ShapeGen.Shrink(p), s => Assert.True(Broadcasts(s), $"shrink {s.Left} and {s.Right} of {p.Left} and {p.Right}"));
            // The pair evaluates as an Add would: the op accepts it and gives the predicted shape.
            Assert.Equal(p.Result, (Expr.Placeholder("a", p.Left) + Expr.Placeholder("b", p.Right)).Shape);
        });

    [Fact]
    public void BroadcastPairsReachRealBroadcasting()
    {
        var pairs = ShapeGen.BroadcastPairs(3, 3).Sample(300, 20);
        Assert.Contains(pairs, p => p.Left.Rank != p.Right.Rank);
        Assert.Contains(pairs, p => p.Left.Rank == p.Right.Rank && p.Left != p.Right);
        Assert.Contains(pairs, p => p.Result != p.Left && p.Result != p.Right);
    }

    [Property(MaxTest = 200)]
    public Property BatchedShapesDeclareAnUnknownBatchThatTheActualShapeFits() =>
        Prop.ForAll(ShapeGen.BatchedShapeArbitrary(3, 4, 5), b =>
        {
            Assert.Equal(Shape.Unknown, b.Declared[0]);
            Assert.True(b.Actual.IsFullyKnown);
            Assert.InRange(b.Actual[0], 1, 5);
            Assert.True(b.Declared.IsCompatibleWith(b.Actual));
            Assert.All(ShapeGen.Shrink(b), s => Assert.True(s.Declared.IsCompatibleWith(s.Actual) && s.Declared[0] == Shape.Unknown));
            // A placeholder of the declared shape accepts a value of the actual shape.
            var x = Expr.Placeholder("x", b.Declared);
            Assert.Equal(b.Actual, (x * 2.0).Eval((x, Tensor.Zeros(b.Actual))).Shape);
        });

    [Fact]
    public void BadBoundsSayWhatTheyNeed()
    {
        Assert.Contains("maxDim ≥ 1", Assert.Throws<FuncNetException>(() => ShapeGen.Shapes(2, 0)).Message);
        Assert.Contains("maxRank ≥ 1", Assert.Throws<FuncNetException>(() => ShapeGen.BatchedShapes(0, 2, 2)).Message);
    }
}
