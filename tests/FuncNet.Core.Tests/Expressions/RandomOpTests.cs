using FuncNet.Expressions;
using FuncNet.Lowering;
using FuncNet.Transforms;

using static FuncNet.Ops;

namespace FuncNet.Tests.Expressions;

/// <summary>
/// Random ops with explicit keys: Philox4x32-10 reproduces the published known-answer vectors, draws are pure
/// functions of the key, splits are independent of the count, distributions hold statistically (bounds that
/// a wrong scale or offset fails), batches of keys batch, and bad keys name the op.
/// </summary>
public class RandomOpTests
{
    [Fact]
    public void PhiloxMatchesTheKnownAnswerVectorsOfRandom123()
    {
        Assert.Equal((0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u), Philox.Block(0, 0, 0, 0, 0, 0));
        Assert.Equal((0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu),
            Philox.Block(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff));
        Assert.Equal((0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u),
            Philox.Block(0xa4093822, 0x299f31d0, 0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344));
    }

    [Fact]
    public void TheSameKeyDrawsTheSameNumbersAndAnotherKeyOthers()
    {
        var a = RandomUniform(RandomKey(7), [100], DType.Float64).Eval();
        Assert.Equal(a, RandomUniform(RandomKey(7), [100], DType.Float64).Eval());
        Assert.NotEqual(a, RandomUniform(RandomKey(8), [100], DType.Float64).Eval());
        Assert.Equal(Tensor.FromArray(new[] { 0, 7 }), RandomKey(7).Eval());
        Assert.Equal(Tensor.FromArray(new[] { 1, 2 }), RandomKey((1L << 32) + 2).Eval());
        // Float32 keeps the first word's 24 high bits: the same numbers to Float32 precision.
        var f32 = RandomUniform(RandomKey(7), [100], DType.Float32).Eval();
        Assert.True(f32.Cast(DType.Float64).AllClose(a, 0, 1e-7));
    }

    [Fact]
    public void SplitKeysAreDistinctAndDoNotDependOnTheCount()
    {
        var key = RandomKey(3);
        var three = SplitKey(key, 3).Eval();
        Assert.Equal(Shape.Of(3, 2), three.Shape);
        Assert.Equal(three.ToIntArray().Take(4), SplitKey(key, 2).Eval().ToIntArray());
        Assert.Equal(3, three.ToIntArray().Chunk(2).Select(p => (p[0], p[1])).Distinct().Count());
        Assert.Equal(three.ToIntArray().Skip(2).Take(2), KeyAt(key, 1).Eval().ToIntArray());
        Assert.Equal(Shape.Of(4, 5, 2), SplitKey(SplitKey(key, 4), 5).Shape);
        var u1 = RandomUniform(KeyAt(key, 0), [50], DType.Float64).Eval().ToDoubleArray();
        var u2 = RandomUniform(KeyAt(key, 1), [50], DType.Float64).Eval().ToDoubleArray();
        Assert.DoesNotContain(u1, u2.Contains);
    }

    [Fact]
    public void DistributionsHaveTheirMomentsAndRanges()
    {
        const int n = 20000;
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            var u = RandomUniform(RandomKey(1), [n], dtype).Eval().ToDoubleArray();
            Assert.All(u, v => Assert.InRange(v, 0, 1 - 1e-12));
            // Mean 1/2 and variance 1/12, each within about 5 standard errors.
            Assert.InRange(u.Average(), 0.5 - 0.011, 0.5 + 0.011);
            Assert.InRange(u.Select(v => (v - 0.5) * (v - 0.5)).Average(), 1.0 / 12 - 0.005, 1.0 / 12 + 0.005);
            var shifted = RandomUniform(RandomKey(1), [n], dtype, -3, -1).Eval().ToDoubleArray();
            Assert.All(shifted, v => Assert.InRange(v, -3, -1));
            var z = RandomNormal(RandomKey(2), [n], dtype).Eval().ToDoubleArray();
            Assert.All(z, v => Assert.True(double.IsFinite(v)));
            Assert.InRange(z.Average(), -0.04, 0.04);
            Assert.InRange(z.Select(v => v * v).Average(), 0.95, 1.05);
            Assert.InRange(z.Count(v => Math.Abs(v) < 1) / (double)n, 0.6827 - 0.02, 0.6827 + 0.02);
            var scaled = RandomNormal(RandomKey(2), [n], dtype, 10, 2).Eval().ToDoubleArray();
            Assert.InRange(scaled.Average(), 9.9, 10.1);
            var b = Bernoulli(RandomKey(3), 0.3, [n], dtype).Eval().ToDoubleArray();
            Assert.All(b, v => Assert.True(v is 0 or 1));
            Assert.InRange(b.Average(), 0.3 - 0.017, 0.3 + 0.017);
        }
        Assert.Equal(Bernoulli(RandomKey(4), 0.5, [64], DType.Float32).Eval().Cast(DType.Int32), Bernoulli(RandomKey(4), 0.5, [64], DType.Int32).Eval());
        Assert.All(Bernoulli(RandomKey(4), 1, [64], DType.Float64).Eval().ToDoubleArray(), v => Assert.Equal(1, v));
        Assert.All(Bernoulli(RandomKey(4), 0, [64], DType.Float64).Eval().ToDoubleArray(), v => Assert.Equal(0, v));
    }

    [Fact]
    public void AStackOfKeysDrawsOneTensorPerKeyAndBatchesUnderRows()
    {
        var keys = SplitKey(RandomKey(5), 3);
        var stacked = RandomNormal(keys, [2, 4], DType.Float64).Eval();
        Assert.Equal(Shape.Of(3, 2, 4), stacked.Shape);
        for (var k = 0; k < 3; k++)
        {
            var row = RandomNormal(KeyAt(RandomKey(5), k), [2, 4], DType.Float64).Eval().ToDoubleArray();
            Assert.Equal(row, stacked.ToDoubleArray().Skip(8 * k).Take(8));
        }
        var keyRows = Expr.Placeholder("keys", Shape.Of(3, 2), DType.Int32);
        var mapped = Vmap.Apply(keyRows, k => RandomUniform(SplitKey(k, 2), [3], DType.Float64) + Bernoulli(k, 0.5, [2, 3], DType.Float64), "test");
        var direct = RandomUniform(SplitKey(keyRows, 2), [3], DType.Float64) + Bernoulli(keyRows, 0.5, [2, 3], DType.Float64);
        var feed = SplitKey(RandomKey(5), 3).Eval();
        Assert.Equal(direct.Eval((keyRows, feed)), mapped.Eval((keyRows, feed)));
    }

    [Fact]
    public void BadKeysShapesAndProbabilitiesNameTheOp()
    {
        Assert.Contains("RandomUniform: expected an Int32 key",
            Assert.Throws<DTypeException>(() => RandomUniform(Expr.Constant(Tensor.FromArray(new[] { 1.0, 2.0 })), [3], DType.Float64)).Message);
        Assert.Contains("RandomNormal: expected a key of shape (2,), or keys of shape (…, 2); given shape (3,)",
            Assert.Throws<ShapeException>(() => RandomNormal(Expr.Constant(Tensor.FromArray(new[] { 1, 2, 3 })), [3], DType.Float64)).Message);
        Assert.Contains("expected a Float32 or Float64 result; given Int32",
            Assert.Throws<DTypeException>(() => RandomUniform(RandomKey(0), [3], DType.Int32)).Message);
        Assert.Contains("Bernoulli: expected a probability in [0, 1]; given 1.5",
            Assert.Throws<FuncNetException>(() => Bernoulli(RandomKey(0), 1.5, [3], DType.Float64)).Message);
        Assert.Contains("SplitKey: expected a count ≥ 0; given -1", Assert.Throws<ShapeException>(() => SplitKey(RandomKey(0), -1)).Message);
        Assert.Contains("known, non-negative dimensions", Assert.Throws<ShapeException>(() => RandomUniform(RandomKey(0), [2, -1], DType.Float64)).Message);
    }
}
