using FuncNet.Lowering;

namespace FuncNet.Tests.Expressions;

/// <summary>The scalar functions FuncNet writes itself, against values computed with mpmath at 120 bits.</summary>
public class ScalarMathTests
{
    // erf at points across the series and continued-fraction ranges, and its tail (mpmath, 120-bit precision).
    public static TheoryData<double, double> ErfValues => new()
    {
        { 1e-10, 1.1283791670955126e-10 },
        { 0.1, 0.1124629160182849 },
        { 0.5, 0.5204998778130465 },
        { 1.0, 0.8427007929497149 },
        { 1.5, 0.9661051464753108 },
        { 2.0, 0.9953222650189527 },
        { 2.4999, 0.9995928300996666 },
        { 2.5, 0.9995930479825550 },
        { 3.0, 0.9999779095030014 },
        { 4.0, 0.9999999845827421 },
        { 5.9, 1.0 },
        { 7.0, 1.0 },
        { -0.5, -0.5204998778130465 },
        { -3.0, -0.9999779095030014 },
    };

    [Theory]
    [MemberData(nameof(ErfValues))]
    public void ErfAgreesWithAHighPrecisionReference(double x, double expected)
    {
        var ulp = Math.BitIncrement(Math.Abs(expected)) - Math.Abs(expected);
        Assert.True(Math.Abs(ScalarMath.Erf(x) - expected) <= 8 * ulp, $"erf({x}) = {ScalarMath.Erf(x):R}, expected {expected:R}");
        var single = (float)expected;
        var singleUlp = MathF.BitIncrement(Math.Abs(single)) - Math.Abs(single);
        Assert.True(Math.Abs(ScalarMath.Erf((float)x) - single) <= singleUlp, $"erf({x}f) = {ScalarMath.Erf((float)x):R}, expected {single:R}");
    }

    [Fact]
    public void ErfKeepsNaNAndZeroSign()
    {
        Assert.True(double.IsNaN(ScalarMath.Erf(double.NaN)));
        Assert.Equal(0.0, ScalarMath.Erf(0.0));
        Assert.Equal(1.0, ScalarMath.Erf(double.PositiveInfinity));
        Assert.Equal(-1.0, ScalarMath.Erf(double.NegativeInfinity));
    }

    [Fact]
    public void Expm1AndLog1pAreAccurateNearZero()
    {
        // Exp(x) − 1 and Log(1 + x) lose every digit here; the corrected forms keep them.
        Assert.Equal(1.0000000000500000e-10, ScalarMath.Expm1(1e-10), 1e-25);
        Assert.Equal(9.9999999995000000e-11, ScalarMath.Log1p(1e-10), 1e-25);
        Assert.Equal(-0.6321205588285577, ScalarMath.Expm1(-1.0), 1e-15);
        Assert.Equal(0.6931471805599453, ScalarMath.Log1p(1.0), 1e-15);
        Assert.Equal(-1.0, ScalarMath.Expm1(-800.0));
        Assert.Equal(double.PositiveInfinity, ScalarMath.Expm1(800.0));
        Assert.Equal(double.NegativeInfinity, ScalarMath.Log1p(-1.0));
        Assert.Equal(double.PositiveInfinity, ScalarMath.Log1p(double.PositiveInfinity));
        Assert.True(double.IsNaN(ScalarMath.Log1p(-2.0)));
        Assert.Equal(1.0000005e-6f, ScalarMath.Expm1(1e-6f), 1e-13f);
    }
}
