namespace FuncNet.Lowering;

/// <summary>
/// Scalar functions that .NET's Math lacks or computes inaccurately (its <c>double.ExpM1</c> and
/// <c>double.LogP1</c> are <c>Exp(x) − 1</c> and <c>Log(1 + x)</c>, which lose every digit near 0). The Reference
/// backend and the managed code generator both call these, so their values agree.
/// </summary>
internal static class ScalarMath
{
    private const double TwoOverSqrtPi = 1.1283791670955126;
    private const double SqrtPi = 1.7724538509055159;

    /// <summary>
    /// The error function erf x = (2/√π) ∫₀ˣ e^(−t²) dt, within a few ulps of the exact value (tested against
    /// known values). Below 2.5: e^(−x²)·x·Σ (2x²)ⁿ / (1·3·…·(2n+1)), a series of positive terms (no
    /// cancellation); from 2.5: 1 − erfc x, erfc from its continued fraction, which converges fast there; from 6
    /// erf x rounds to ±1.
    /// </summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x))
        {
            return x;
        }
        var ax = Math.Abs(x);
        if (ax >= 6)
        {
            return Math.CopySign(1.0, x);
        }
        // e^(−x²) with x² split into its rounded value and the rounding error, which would otherwise cost up to
        // x² ulps of the result.
        var squareHigh = ax * ax;
        var squareLow = Math.FusedMultiplyAdd(ax, ax, -squareHigh);
        var gaussian = Math.Exp(-squareHigh) * (1 - squareLow);
        if (ax < 2.5)
        {
            double term = 1, sum = 1, compensation = 0;
            for (var n = 1; term > 1e-17 * sum; n++)
            {
                term *= 2 * squareHigh / (2 * n + 1);
                var y = term - compensation;
                var t = sum + y;
                compensation = t - sum - y;
                sum = t;
            }
            return Math.CopySign(TwoOverSqrtPi * ax * gaussian * sum, x);
        }
        // erfc x = e^(−x²) / (√π (x + (1/2)/(x + 1/(x + (3/2)/(x + …))))), evaluated from the bottom.
        var tail = 0.0;
        for (var n = 60; n > 0; n--)
        {
            tail = n * 0.5 / (ax + tail);
        }
        return Math.CopySign(1 - gaussian / (SqrtPi * (ax + tail)), x);
    }

    /// <summary>The error function in single precision: computed in double and rounded once, so within 1 ulp.</summary>
    public static float Erf(float x) => (float)Erf((double)x);

    /// <summary>
    /// eˣ − 1, accurate near 0: (u − 1)·x / ln u with u = eˣ rounded cancels the rounding error of u
    /// (Kahan's correction).
    /// </summary>
    public static double Expm1(double x)
    {
        var u = Math.Exp(x);
        if (u == 1.0)
        {
            return x;
        }
        var um1 = u - 1.0;
        return um1 == -1.0 || double.IsInfinity(u) ? um1 : um1 * x / Math.Log(u);
    }

    /// <summary>eˣ − 1 in single precision, computed in double and rounded once.</summary>
    public static float Expm1(float x) => (float)Expm1((double)x);

    /// <summary>ln(1 + x), accurate near 0: ln u · x / (u − 1) with u = 1 + x rounded cancels the rounding of u.</summary>
    public static double Log1p(double x)
    {
        var u = 1.0 + x;
        return u == 1.0 ? x : double.IsPositiveInfinity(u) ? u : Math.Log(u) * x / (u - 1.0);
    }

    /// <summary>ln(1 + x) in single precision, computed in double and rounded once.</summary>
    public static float Log1p(float x) => (float)Log1p((double)x);
}
