using System.Text.Json;
using FuncNet.Lowering;
using static FuncNet.Ops;

namespace FuncNet.Tests.Expressions;

/// <summary>
/// erf and exact GELU against 80-digit values (tests/fixtures/erf/erf.json, written by make_erf.py beside it with
/// Python's decimal module): each reference is a double-double, so an error is measured in ulps of the exact value.
/// </summary>
public class ErfFixtureTests
{
    private static readonly JsonElement Fixture = Fixtures.Load("erf/erf.json");

    [Fact]
    public void DoubleErfIsWithinOneUlpEverywhere()
    {
        var (xs, his, los) = Points(Fixture);
        var (worst, at) = (0.0, 0.0);
        for (var i = 0; i < xs.Length; i++)
        {
            foreach (var sign in (ReadOnlySpan<double>)[1.0, -1.0])
            {
                var error = UlpError(ScalarMath.Erf(sign * xs[i]), sign * his[i], sign * los[i]);
                if (error > worst) { (worst, at) = (error, sign * xs[i]); }
            }
        }
        Assert.True(worst <= 1.0, $"erf is {worst:F3} ulp off at x = {at:R} (over {2 * xs.Length} points)");
    }

    [Fact]
    public void SingleErfIsCorrectlyRoundedToWithinTheDoublesError()
    {
        // The double result is within one double ulp, so rounding it to float is off by at most half a float ulp
        // plus 2⁻²⁹ of one.
        var (xs, his, los) = Points(Fixture);
        var (worst, at, count) = (0.0, 0.0, 0);
        for (var i = 0; i < xs.Length; i++)
        {
            var x = (float)xs[i];
            if (x != xs[i]) { continue; }
            count++;
            var got = (double)ScalarMath.Erf(x);
            var ulp = Ulp((float)(his[i] + los[i]));
            var error = Math.Abs(got - his[i] - los[i]) / ulp;
            if (error > worst) { (worst, at) = (error, x); }
        }
        Assert.True(count > 800, $"the fixture should hold float32 arguments; found {count}");
        Assert.True(worst <= 0.5 + 1e-6, $"erf in float32 is {worst:F4} ulp off at x = {at:R}");
    }

    [Fact]
    public void ExactGeluIsAccurateUpToTheCancellationOfItsFormula()
    {
        // x·(1 + erf(x/√2))/2 rounds x/√2 and 1 + erf: beside an error of a few ulps of the result it carries
        // an absolute error of about |x|·2⁻⁵³, which dominates in the negative tail where 1 + erf cancels.
        var (xs, his, los) = Points(Fixture.GetProperty("gelu"));
        var x = Expr.Placeholder("x", new Shape(xs.Length), DType.Float64);
        var got = Gelu(x).Eval((x, Tensor.FromArray(xs))).ToDoubleArray();
        var (worst, at) = (0.0, 0.0);
        for (var i = 0; i < xs.Length; i++)
        {
            var allowed = 3 * Ulp(his[i]) + Math.Abs(xs[i]) * Math.Pow(2, -53);
            var error = Math.Abs(got[i] - his[i] - los[i]) / allowed;
            if (error > worst) { (worst, at) = (error, xs[i]); }
        }
        Assert.True(worst <= 1.0, $"GELU at x = {at:R} is {worst:F3} times its bound off");
    }

    private static (double[] X, double[] Hi, double[] Lo) Points(JsonElement set) =>
        (Doubles(set, "x"), Doubles(set, "hi"), Doubles(set, "lo"));

    private static double[] Doubles(JsonElement set, string name) =>
        set.GetProperty(name).EnumerateArray().Select(e => e.GetDouble()).ToArray();

    // The error of `got` in ulps of the exact value hi + lo; below a power of two the exact value's ulp is the smaller one.
    private static double UlpError(double got, double hi, double lo)
    {
        var magnitude = Math.Abs(hi);
        var ulp = Math.Sign(lo) * Math.Sign(hi) < 0 && double.IsPow2(magnitude)
            ? magnitude - Math.BitDecrement(magnitude)
            : Ulp(magnitude);
        return Math.Abs(got - hi - lo) / ulp;
    }

    private static double Ulp(double value) => Math.BitIncrement(Math.Abs(value)) - Math.Abs(value);

    private static double Ulp(float value) => MathF.BitIncrement(Math.Abs(value)) - Math.Abs(value);
}
