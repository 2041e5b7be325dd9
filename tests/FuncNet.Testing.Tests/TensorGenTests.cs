using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace FuncNet.Testing.Tests;

/// <summary>Generated tensors respect bounds and the kink margin, and so does every shrink.</summary>
public class TensorGenTests
{
    private static readonly double[] Kinks = [0.0, 1.0];

    private static bool Valid(Tensor t) => t.ToDoubleArray().All(v => v >= -2 && v <= 2 && Kinks.All(k => Math.Abs(v - k) >= 0.1));

    [Property(MaxTest = 200)]
    public Property TensorsStayInBoundsAwayFromKinksAndSoDoTheirShrinks() =>
        Prop.ForAll(TensorGen.TensorArbitrary(ShapeGen.Shapes(3, 3), -2, 2, Kinks, 0.1), t =>
        {
            Assert.True(Valid(t), t.ToString());
            Assert.Equal(DType.Float64, t.DType);
            Assert.All(TensorGen.Shrink(t, -2, 2, Kinks, 0.1), s => Assert.True(Valid(s), $"shrink {s} of {t}"));
        });

    [Fact]
    public void ValuesSpreadOverTheRange()
    {
        var values = TensorGen.Tensors(Shape.Of(50), -2, 2).Sample(20, 5).SelectMany(t => t.ToDoubleArray()).ToArray();
        Assert.True(values.Min() < -1.5 && values.Max() > 1.5, $"range {values.Min()}..{values.Max()}");
        Assert.Contains(values, v => Math.Abs(v) < 0.1);
    }

    [Fact]
    public void AnImpossibleMarginOrBadBoundsSayWhy()
    {
        var e = Assert.Throws<FuncNetException>(() => TensorGen.Tensors(Shape.Of(2), 0, 0.1, [0.05], 0.2));
        Assert.Contains("at least 0.2 away", e.Message);
        Assert.Throws<FuncNetException>(() => TensorGen.Tensors(Shape.Of(2), 1, -1));
        Assert.Throws<ShapeException>(() => TensorGen.Tensors(Shape.Of(-1, 2), -1, 1));
    }

    [Property(MaxTest = 20)]
    public Property GradCheckPassesOnGeneratedPointsAwayFromReluKinks() =>
        Prop.ForAll(TensorGen.TensorArbitrary(ShapeGen.Shapes(2, 3), -2, 2, [0.0], 0.01), t =>
            GradCheck.Gradients(xs => Ops.ReduceSum(Ops.Relu(xs[0]) * xs[0]), t).ThrowIfFailed());
}
