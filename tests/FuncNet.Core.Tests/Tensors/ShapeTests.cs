namespace FuncNet.Tests.Tensors;

/// <summary>Shapes: printing, sizes, axes and numpy broadcasting.</summary>
public class ShapeTests
{
    [Fact]
    public void PrintsLikeNumpyTuples()
    {
        Assert.Equal("(2, 3)", Shape.Of(2, 3).ToString());
        Assert.Equal("(3,)", Shape.Of(3).ToString());
        Assert.Equal("()", Shape.Scalar.ToString());
        Assert.Equal("(?, 3)", Shape.Of(-1, 3).ToString());
    }

    [Fact]
    public void SizeRankAndAxes()
    {
        var s = Shape.Of(2, 3, 4);
        Assert.Equal(24, s.Size);
        Assert.Equal(3, s.Rank);
        Assert.Equal(4, s[-1]);
        Assert.Equal(new[] { 12, 4, 1 }, s.Strides());
        Assert.Equal(1, s.NormalizeAxis(-2, "op"));
        Assert.Throws<ShapeException>(() => s.NormalizeAxis(3, "op"));
        Assert.Throws<ShapeException>(() => Shape.Of(-1, 2).Size);
        Assert.Throws<ShapeException>(() => Shape.Of(2, -3));
        Assert.Equal(1, Shape.Scalar.Size);
    }

    public static TheoryData<int[], int[], int[]?> BroadcastCases => new()
    {
        { [2, 3], [3], [2, 3] },
        { [2, 3], [2, 1], [2, 3] },
        { [4, 1, 3], [2, 1], [4, 2, 3] },
        { [], [2, 2], [2, 2] },
        { [1], [5], [5] },
        { [2, 3], [2], null },
        { [3, 2], [2, 3], null },
        { [-1, 3], [4, 1], [4, 3] },
    };

    [Theory]
    [MemberData(nameof(BroadcastCases))]
    public void BroadcastingFollowsNumpy(int[] a, int[] b, int[]? expected)
    {
        var result = Shape.TryBroadcast(new Shape(a), new Shape(b));
        var reversed = Shape.TryBroadcast(new Shape(b), new Shape(a));
        Assert.Equal(expected is null ? null : new Shape(expected), result);
        Assert.Equal(result, reversed);
        if (expected is null)
        {
            Assert.Throws<ShapeException>(() => Shape.Broadcast(new Shape(a), new Shape(b), "Add"));
        }
        else if (result!.IsFullyKnown)
        {
            Assert.True(new Shape(a).BroadcastsTo(result));
            Assert.True(new Shape(b).BroadcastsTo(result));
        }
    }

    [Fact]
    public void EqualityIsByValue()
    {
        Assert.Equal(Shape.Of(2, 3), new Shape(2, 3));
        Assert.True(Shape.Of(2, 3) == new Shape([2, 3]));
        Assert.NotEqual(Shape.Of(2, 3), Shape.Of(3, 2));
        Assert.Equal(Shape.Of(2, 3).GetHashCode(), Shape.Of(2, 3).GetHashCode());
        Assert.True(Shape.Of(-1, 3).IsCompatibleWith(Shape.Of(7, 3)));
        Assert.False(Shape.Of(-1, 3).IsCompatibleWith(Shape.Of(7, 4)));
    }
}
