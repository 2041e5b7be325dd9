namespace FuncNet.Lowering;

/// <summary>
/// Scalar functions that .NET's Math lacks or computes inaccurately (its <c>double.ExpM1</c> and
/// <c>double.LogP1</c> are <c>Exp(x) − 1</c> and <c>Log(1 + x)</c>, which lose every digit near 0). The Reference
/// backend and the managed code generator both call these, so their values agree.
/// </summary>
internal static class ScalarMath
{
    // 2/√π as a double-double: the leading coefficient of erf's series, whose rounding alone would cost half an ulp.
    private const double TwoOverSqrtPiHigh = 1.1283791670955126;
    private const double TwoOverSqrtPiLow = 1.533545961316588e-17;

    // erf's Taylor coefficients after the first, (−1)ᵐ / (m!·(2m+1)) for m = 1…13 (Abramowitz and Stegun 7.1.5):
    // below 1/2 the 13th term is under 1e-19 of the sum.
    private static readonly double[] ErfTaylor = TaylorCoefficients(13);

    /// <summary>
    /// The error function erf x = (2/√π) ∫₀ˣ e^(−t²) dt, within one ulp of the exact value over the whole real line
    /// (0.57 ulp at most over tests/fixtures/erf: 5,109 points and their negatives against 80-digit values). Below
    /// 1/2, its Taylor series x·(2/√π)·(1 + T(x²)), with the leading x·(2/√π) kept exact until one final rounding. From 1/2, about the nearest centre c = k/8:
    /// erf(c + h) = erf c + (2/√π)·e^(−c²)·Σₙ (−1)ⁿ Hₙ(c)·hⁿ⁺¹/(n+1)! (erf's derivatives are Hermite polynomials
    /// times the Gaussian, A&amp;S 7.1.19), with erf c tabulated as a double-double (<see cref="ErfCentres"/>), so the
    /// correction, under a tenth of the result, is the only part computed in double. From 5.9375 erf x rounds to ±1.
    /// </summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x))
        {
            return x;
        }
        var ax = Math.Abs(x);
        if (ax < 0.5)
        {
            var square = ax * ax;
            var tail = 0.0;
            for (var m = ErfTaylor.Length - 1; m >= 0; m--)
            {
                tail = (tail + ErfTaylor[m]) * square;
            }
            return Math.CopySign(Math.FusedMultiplyAdd(TwoOverSqrtPiHigh, ax, ax * (TwoOverSqrtPiLow + TwoOverSqrtPiHigh * tail)), x);
        }
        if (ax >= (ErfCentres.Last + 0.5) / 8)
        {
            return Math.CopySign(1.0, x);
        }
        var k = (int)(ax * 8 + 0.5);
        var row = ErfCentres.Values.Slice((k - ErfCentres.First) * 3, 3);
        var c = k * 0.125;
        var h = ax - c; // exact: c is within 1/16 of ax and at least 1/2
        // uₙ = (−1)ⁿ Hₙ(c)·hⁿ/n! from Hₙ₊₁ = 2c·Hₙ − 2n·Hₙ₋₁: uₙ₊₁ = −2h·(c·uₙ + h·uₙ₋₁)/(n+1). With |h| ≤ 1/16
        // the 15th term is under 1e-20 of erf c.
        double previous = 1, current = -2 * c * h, sum = 1 + current / 2;
        for (var n = 1; n < 15; n++)
        {
            var next = -2 * h * (c * current + h * previous) / (n + 1);
            previous = current;
            current = next;
            sum += current / (n + 2);
        }
        return Math.CopySign(row[0] + (row[1] + row[2] * h * sum), x);
    }

    private static double[] TaylorCoefficients(int count)
    {
        var coefficients = new double[count];
        double factorial = 1;
        for (var m = 1; m <= count; m++)
        {
            factorial *= m;
            coefficients[m - 1] = (m % 2 == 0 ? 1 : -1) / (factorial * (2 * m + 1));
        }
        return coefficients;
    }

    /// <summary>The error function in single precision: computed in double and rounded once, so within half an ulp plus 2⁻²⁹ of one.</summary>
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
