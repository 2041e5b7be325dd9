using FuncNet.Testing;
using static FuncNet.Ops;
using FuncNet.Expressions;
using FuncNet.Transforms;

namespace FuncNet.Tests.Expressions;

/// <summary>Conv2D, Conv2DTranspose and the pooling ops: hand-computed values, shapes, adjointness, batching and bad input.</summary>
public class ConvolutionTests
{
    private static Tensor Random(Shape shape, int seed) => RandomExpr.RandomValues(new Random(seed), shape);

    private static Expr C(Tensor t) => Expr.Constant(t);

    [Fact]
    public void Conv2DOfAHandComputedCase()
    {
        var x = Tensor.Create(Shape.Of(1, 1, 3, 3), [1.0, 2, 3, 4, 5, 6, 7, 8, 9]);
        var w = Tensor.Create(Shape.Of(1, 1, 2, 2), [1.0, 0, 0, 1]);   // x[i, j] + x[i + 1, j + 1]
        Assert.Equal(Tensor.Create(Shape.Of(1, 1, 2, 2), [6.0, 8, 12, 14]), Conv2D(C(x), C(w)).Eval());
        // Zero padding all round and stride 2: windows at (−1, −1), (−1, 1), (1, −1), (1, 1), whose first taps
        // fall in the padding except the last's.
        var padded = Conv2D(C(x), C(w), 2, Padding2D.Symmetric(1, 1)).Eval();
        Assert.Equal(Tensor.Create(Shape.Of(1, 1, 2, 2), [1.0, 3, 7, 5 + 9]), padded);
    }

    [Theory]
    [InlineData(1, 28, 28)]
    [InlineData(2, 14, 14)]
    [InlineData(3, 10, 10)]
    public void SamePaddingGivesTheInputSizeDividedByTheStrideRoundedUp(int stride, int height, int width)
    {
        var x = Expr.Placeholder("x", Shape.Of(-1, 3, 28, 28));
        var w = Expr.Placeholder("w", Shape.Of(8, 3, 4, 5));
        Assert.Equal(Shape.Of(-1, 8, height, width), Conv2D(x, w, stride, Padding2D.Same).Shape);
        Assert.Equal(Shape.Of(-1, 3, height, width), MaxPool2D(x, 3, stride, Padding2D.Same).Shape);
    }

    [Fact]
    public void Conv2DTransposeIsTheAdjointOfConv2DAndRestoresItsShape()
    {
        var options = new Conv2DOptions { StrideH = 2, StrideW = 3, Padding = Padding2D.Explicit(1, 0, 2, 1), DilationW = 2, Groups = 2 };
        var x = Random(Shape.Of(2, 4, 7, 9), 1);
        var w = Random(Shape.Of(6, 2, 3, 2), 2);
        var y = Conv2D(C(x), C(w), options);
        var u = Random(y.Shape, 3);
        // 7 rows at stride 2 give 3 outputs, as 6 would: the output padding picks 7.
        var back = Conv2DTranspose(C(u), C(w), options, 1, 0);
        Assert.Equal(x.Shape, back.Shape);
        // ⟨Conv2D(x, w), u⟩ = ⟨x, Conv2DTranspose(u, w)⟩
        var left = ReduceSum(y * C(u)).Eval().ToScalar();
        var right = ReduceSum(C(x) * back).Eval().ToScalar();
        Assert.Equal(left, right, 1e-10);
    }

    [Fact]
    public void Conv2DTransposeWithSamePaddingMultipliesTheSizeByTheStride()
    {
        var x = Expr.Placeholder("x", Shape.Of(2, 4, 5, 6));
        var w = Expr.Placeholder("w", Shape.Of(4, 3, 3, 3));
        Assert.Equal(Shape.Of(2, 3, 10, 12), Conv2DTranspose(x, w, Conv2DOptions.WithStride(2, Padding2D.Same)).Shape);
    }

    [Fact]
    public void MaxPoolTakesTheFirstMaximumAndIgnoresPadding()
    {
        var x = Tensor.Create(Shape.Of(1, 1, 2, 3), [-5.0, 2, 2, -7, -1, 2]);
        var input = Expr.Placeholder("x", x.Shape);
        var pooled = MaxPool2D(input, new Pool2DOptions(2, 2, 1, 1, Padding2D.Explicit(0, 0, 1, 0)));
        Assert.Equal(Tensor.Create(Shape.Of(1, 1, 1, 3), [-5.0, 2, 2]), pooled.Eval((input, x)));
        // The tie in the last two windows goes to the first 2 (row-major), so it collects both gradients.
        var g = Gradient(ReduceSum(pooled * C(Tensor.Create(Shape.Of(1, 1, 1, 3), [1.0, 10, 100]))), input).Eval((input, x));
        Assert.Equal(Tensor.Create(Shape.Of(1, 1, 2, 3), [1.0, 110, 0, 0, 0, 0]), g);
    }

    [Fact]
    public void AvgPoolCountsOnlyRealPositions()
    {
        var x = Tensor.Create(Shape.Of(1, 1, 2, 2), [1.0, 2, 3, 4]);
        var pooled = AvgPool2D(C(x), 2, 1, Padding2D.Explicit(1, 0, 1, 0)).Eval();
        Assert.Equal(Tensor.Create(Shape.Of(1, 1, 2, 2), [1.0, 1.5, 2, 2.5]), pooled);
        Assert.Equal(Tensor.Create(Shape.Of(1, 1), [2.5]), GlobalAvgPool2D(C(x)).Eval());
    }

    [Fact]
    public void RowsOfImagesAndOfFiltersBatchLikeALoopOverRows()
    {
        var images = Random(Shape.Of(3, 2, 4, 5, 5), 4);
        var filters = Random(Shape.Of(3, 6, 2, 3, 2), 5);
        var options = new Conv2DOptions { StrideH = 2, Padding = Padding2D.Explicit(1, 1, 0, 1), Groups = 2 };
        var sharedFilter = C(Random(Shape.Of(6, 2, 3, 2), 6));
        var sharedImages = C(Random(Shape.Of(2, 4, 5, 5), 7));
        var overImages = Vmap.Apply(C(images), row => MaxPool2D(Relu(Conv2D(row, sharedFilter, options)), 2, 1, Padding2D.Symmetric(1, 0)), "test").Eval();
        var overFilters = Vmap.Apply(C(filters), w => AvgPool2D(Conv2D(sharedImages, w, options), 2), "test").Eval();
        // Gradients inside a row: both gradient ops with batched operands.
        var gradients = Vmap.Apply(C(images), row => Gradients(ReduceSum(Square(Conv2D(row, sharedFilter, options))), [row])[0], "test").Eval();
        for (var b = 0; b < 3; b++)
        {
            var image = C(Slice(C(images), [b, 0, 0, 0, 0], [1, -1, -1, -1, -1]).Eval().Reshape(Shape.Of(2, 4, 5, 5)));
            var filter = C(Slice(C(filters), [b, 0, 0, 0, 0], [1, -1, -1, -1, -1]).Eval().Reshape(Shape.Of(6, 2, 3, 2)));
            AssertRow(overImages, b, MaxPool2D(Relu(Conv2D(image, sharedFilter, options)), 2, 1, Padding2D.Symmetric(1, 0)).Eval());
            AssertRow(overFilters, b, AvgPool2D(Conv2D(sharedImages, filter, options), 2).Eval());
            AssertRow(gradients, b, Gradient(ReduceSum(Square(Conv2D(image, sharedFilter, options))), image).Eval());
        }
    }

    [Fact]
    public void RowsOfFilterGradientsBatchLikeALoopOverRows()
    {
        var images = Random(Shape.Of(2, 2, 2, 5, 4), 8);
        var filter = Expr.Variable("w", Random(Shape.Of(3, 2, 2, 2), 9));
        var perRow = Vmap.Apply(C(images), row => Gradient(ReduceSum(Square(Conv2D(row, filter))), filter), "test").Eval();
        for (var b = 0; b < 2; b++)
        {
            var image = C(Slice(C(images), [b, 0, 0, 0, 0], [1, -1, -1, -1, -1]).Eval().Reshape(Shape.Of(2, 2, 5, 4)));
            AssertRow(perRow, b, Gradient(ReduceSum(Square(Conv2D(image, filter))), filter).Eval());
        }
    }

    private static void AssertRow(Tensor batched, int row, Tensor expected)
    {
        var actual = Slice(C(batched), [row, .. new int[batched.Shape.Rank - 1]], [1, .. Enumerable.Repeat(-1, batched.Shape.Rank - 1)]).Eval().Reshape(expected.Shape);
        Assert.True(actual.AllClose(expected, 1e-12, 1e-12), $"row {row} differs by {actual.MaxAbsDifference(expected):E2}");
    }

    [Fact]
    public void BadConvolutionGeometryNamesTheOpAndBothShapes()
    {
        var x = Expr.Placeholder("x", Shape.Of(2, 4, 5, 5));
        var tooLarge = Assert.Throws<ShapeException>(() => Conv2D(x, Expr.Placeholder("w", Shape.Of(3, 4, 7, 3))));
        Assert.Contains("Conv2D", tooLarge.Message);
        Assert.Contains("(2, 4, 5, 5)", tooLarge.Message);
        Assert.Contains("(3, 4, 7, 3)", tooLarge.Message);
        Assert.Contains("padded input has 5", tooLarge.Message);
        // The same filter fits once the input is padded to 7 rows.
        Assert.Equal(Shape.Of(2, 3, 1, 3), Conv2D(x, Expr.Placeholder("w", Shape.Of(3, 4, 7, 3)), Conv2DOptions.WithStride(1, Padding2D.Symmetric(1, 0))).Shape);

        var zeroStride = Assert.Throws<ShapeException>(() => Conv2D(x, Expr.Placeholder("w", Shape.Of(3, 4, 3, 3)), 0, Padding2D.Valid));
        Assert.Contains("stride (0, 0)", zeroStride.Message);
        Assert.Contains("(3, 4, 3, 3)", zeroStride.Message);

        var groups = Assert.Throws<ShapeException>(() => Conv2D(x, Expr.Placeholder("w", Shape.Of(6, 4, 3, 3)), new Conv2DOptions { Groups = 2 }));
        Assert.Contains("4 channels but the filter expects 4 per group × 2 group(s) = 8", groups.Message);
        Assert.Contains("(6, 4, 3, 3)", groups.Message);

        var outputs = Assert.Throws<ShapeException>(() => Conv2D(x, Expr.Placeholder("w", Shape.Of(3, 2, 3, 3)), new Conv2DOptions { Groups = 2 }));
        Assert.Contains("3 output channels do not split into 2 groups", outputs.Message);

        var rank = Assert.Throws<ShapeException>(() => Conv2D(Expr.Placeholder("v", Shape.Of(4, 5, 5)), Expr.Placeholder("w", Shape.Of(3, 4, 3, 3))));
        Assert.Contains("(4, 5, 5)", rank.Message);

        var outputPadding = Assert.Throws<ShapeException>(() => Conv2DTranspose(x, Expr.Placeholder("w", Shape.Of(4, 2, 3, 3)), Conv2DOptions.Default, 1, 0));
        Assert.Contains("Conv2DTranspose", outputPadding.Message);
        Assert.Contains("smaller than the stride", outputPadding.Message);
    }

    [Fact]
    public void PoolingWindowsThatDoNotFitNameTheOpAndTheShape()
    {
        var x = Expr.Placeholder("x", Shape.Of(2, 3, 4, 6));
        var tooLarge = Assert.Throws<ShapeException>(() => MaxPool2D(x, 5));
        Assert.Contains("MaxPool2D: the window does not fit in the padded input", tooLarge.Message);
        Assert.Contains("(2, 3, 4, 6)", tooLarge.Message);
        var padding = Assert.Throws<ShapeException>(() => AvgPool2D(x, 2, 2, Padding2D.Symmetric(2, 0)));
        Assert.Contains("AvgPool2D: expected padding ≥ 0 and smaller than the window", padding.Message);
        var stride = Assert.Throws<ShapeException>(() => AvgPool2D(x, 2, -1, Padding2D.Valid));
        Assert.Contains("stride (-1, -1)", stride.Message);
        Assert.Throws<ShapeException>(() => GlobalAvgPool2D(Expr.Placeholder("v", Shape.Of(3, 4))));
    }

    [Fact]
    public void FedImagesAreCheckedAgainstTheFilterWhenTheirSizeWasUnknown()
    {
        var x = Expr.Placeholder("x", Shape.Of(-1, 1, -1, -1));
        var y = Conv2D(x, Expr.Constant(Tensor.Ones(Shape.Of(1, 1, 3, 3))));
        Assert.Equal(Shape.Of(-1, 1, -1, -1), y.Shape);
        Assert.Equal(Shape.Of(1, 1, 2, 3), y.Eval((x, Tensor.Ones(Shape.Of(1, 1, 4, 5)))).Shape);
        var error = Assert.Throws<ShapeException>(() => y.Eval((x, Tensor.Ones(Shape.Of(1, 1, 2, 5)))));
        Assert.Contains("Conv2D", error.Message);
        Assert.Contains("(1, 1, 2, 5)", error.Message);
    }
}
