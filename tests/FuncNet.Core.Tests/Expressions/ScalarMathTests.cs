using FuncNet.Lowering;

namespace FuncNet.Tests.Expressions;

/// <summary>The scalar functions FuncNet writes itself at their edges (erf's accuracy: <see cref="ErfFixtureTests"/>).</summary>
public class ScalarMathTests
{
    [Fact]
    public void ErfKeepsNaNAndZeroSign()
    {
        Assert.True(double.IsNaN(ScalarMath.Erf(double.NaN)));
        Assert.Equal(0.0, ScalarMath.Erf(0.0));
        Assert.Equal(1.0, ScalarMath.Erf(double.PositiveInfinity));
        Assert.Equal(-1.0, ScalarMath.Erf(double.NegativeInfinity));
        Assert.True(double.IsNegative(ScalarMath.Erf(-0.0)));
        Assert.True(float.IsNaN(ScalarMath.Erf(float.NaN)));
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
