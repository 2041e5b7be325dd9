using FuncNet.Backends.Cpu;
using FuncNet.Expressions;
using FuncNet.Lowering;

namespace FuncNet.Backends.Tests.Cpu;

/// <summary>
/// The vectorized 2 × 2 max-pooling gradient against the definition (the op's reference kernel): ties (the first
/// maximum in row-major order wins), NaNs (the first NaN wins), ±0, odd heights and widths (cells outside every
/// window get zero) and rows whose tail is not a multiple of the vector width; and enough planes to be split
/// across the workers.
/// </summary>
public class MaxPool2x2GradientKernelTests
{
    public static TheoryData<int, int, int, int> Shapes => new()
    {
        { 1, 1, 2, 2 }, { 2, 3, 5, 7 }, { 1, 2, 8, 8 }, { 3, 4, 11, 11 }, { 2, 2, 6, 19 }, { 64, 32, 26, 26 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesTheReferenceKernelWithTiesNaNsAndOddSizes(int n, int c, int h, int w)
    {
        var shape = Shape.Of(n, c, h, w);
        var rng = new Random(n * 1000 + c * 100 + h * 10 + w);
        // Few distinct values, so windows tie often; a NaN in about one window in fifty; zeros of both signs.
        var x = Enumerable.Range(0, shape.Size).Select(_ => rng.Next(50) switch
        {
            0 => float.NaN,
            1 => -0f,
            2 => 0f,
            var k => (float)(k % 5 - 2),
        }).ToArray();
        var geometry = new Pool2DGeometry(2, 2, 2, 2, 0, 0, 0, 0);
        var outputShape = geometry.Check("MaxPool2D", shape);
        var dy = Enumerable.Range(0, outputShape.Size).Select(i => 1f + i % 13).ToArray();

        var dx = Enumerable.Repeat(float.NaN, shape.Size + 3).ToArray(); // longer than the shape, and dirty
        new MaxPool2x2GradientKernel(new PoolingKind(geometry, shape, PoolingPass.MaxGradient)).Run(x, dy, dx);

        var expected = new MaxPool2DGradientOp(geometry).Reference(
            [Tensor.FromSpan(shape, x.Select(v => (double)v).ToArray(), DType.Float32), Tensor.FromSpan(outputShape, dy.Select(v => (double)v).ToArray(), DType.Float32)],
            shape, DType.Float32).ToArray<float>();
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(expected[i].Equals(dx[i]), $"{shape} element {i}: {dx[i]}, expected {expected[i]} (x = {x[i]})");
        }
        Assert.True(float.IsNaN(dx[^1]), "the kernel wrote past the shape");
    }

    [Fact]
    public void ServesOnlyTwoByTwoWindowsAtStrideTwoWithoutPadding()
    {
        var input = Shape.Of(1, 1, 6, 6);
        Assert.True(MaxPool2x2GradientKernel.Serves(new PoolingKind(new Pool2DGeometry(2, 2, 2, 2, 0, 0, 0, 0), input, PoolingPass.MaxGradient)));
        Assert.False(MaxPool2x2GradientKernel.Serves(new PoolingKind(new Pool2DGeometry(2, 2, 2, 2, 0, 0, 0, 0), input, PoolingPass.MaxForward)));
        Assert.False(MaxPool2x2GradientKernel.Serves(new PoolingKind(new Pool2DGeometry(2, 2, 1, 1, 0, 0, 0, 0), input, PoolingPass.MaxGradient)));
        Assert.False(MaxPool2x2GradientKernel.Serves(new PoolingKind(new Pool2DGeometry(3, 3, 2, 2, 0, 0, 0, 0), input, PoolingPass.MaxGradient)));
        Assert.False(MaxPool2x2GradientKernel.Serves(new PoolingKind(new Pool2DGeometry(2, 2, 2, 2, 1, 0, 1, 0), input, PoolingPass.MaxGradient)));
    }
}
