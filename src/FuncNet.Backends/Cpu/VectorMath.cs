using System.Numerics;
using System.Runtime.CompilerServices;
using FuncNet.Lowering;

namespace FuncNet.Backends.Cpu;

/// <summary>
/// Vector&lt;T&gt; forms of the formula primitives that System.Numerics.Vector does not provide, so that a fused
/// kernel using one of them keeps its vector loop. Tanh and Sign are computed in vector arithmetic; the rare
/// ones (Log1p, Expm1, Erf, Pow) call the scalar function lane by lane inside the vector loop, which costs
/// those lanes' scalar time but leaves the rest of the kernel vectorized.
/// </summary>
internal static class VectorMath
{
    /// <summary>Below this |x|, tanh's odd Taylor series; above it 1 − 2/(e^(2|x|) + 1), which cancels little there.</summary>
    private const double TanhSeriesLimit = 0.25;

    /// <summary>
    /// The odd Taylor coefficients of tanh (x, x³, …, x²¹), from its equation tanh' = 1 − tanh²: (2k+1)·aₖ =
    /// −Σᵢ₊ⱼ₌ₖ₋₁ aᵢaⱼ. Below 0.25 the first omitted term is under 1e-18 of the value.
    /// </summary>
    private static readonly double[] TanhSeries = TanhCoefficients(11);

    private static double[] TanhCoefficients(int count)
    {
        var a = new double[count];
        a[0] = 1;
        for (var k = 1; k < count; k++)
        {
            var sum = 0.0;
            for (var i = 0; i < k; i++) { sum += a[i] * a[k - 1 - i]; }
            a[k] = -sum / (2 * k + 1);
        }
        return a;
    }

    /// <summary>tanh x per lane, within a few ulps: sign-symmetric, ±1 where e^(2|x|) overflows, NaN kept.</summary>
    public static Vector<T> Tanh<T>(Vector<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var ax = Vector.Abs(x);
        var one = Vector<T>.One;
        var large = one - Vector.Create(T.CreateTruncating(2.0)) / (Exp(ax + ax) + one);
        var square = x * x;
        var small = Vector.Create(T.CreateTruncating(TanhSeries[^1]));
        for (var k = TanhSeries.Length - 2; k >= 0; k--)
        {
            small = small * square + Vector.Create(T.CreateTruncating(TanhSeries[k]));
        }
        small *= x;
        var signedLarge = Vector.ConditionalSelect(Vector.LessThan(x, Vector<T>.Zero), -large, large);
        return Vector.ConditionalSelect(Vector.LessThan(ax, Vector.Create(T.CreateTruncating(TanhSeriesLimit))), small, signedLarge);
    }

    /// <summary>−1, 0 or 1 per lane; NaN stays NaN.</summary>
    public static Vector<T> Sign<T>(Vector<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var zero = Vector<T>.Zero;
        var one = Vector<T>.One;
        var sign = Vector.ConditionalSelect(Vector.GreaterThan(x, zero), one, zero) - Vector.ConditionalSelect(Vector.LessThan(x, zero), one, zero);
        return Vector.ConditionalSelect(Vector.Equals(x, x), sign, x);
    }

    /// <summary>ln(1 + x) per lane through <see cref="ScalarMath.Log1p(double)"/>.</summary>
    public static Vector<T> Log1p<T>(Vector<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> r = stackalloc T[Vector<T>.Count];
        for (var i = 0; i < r.Length; i++) { r[i] = T.CreateTruncating(ScalarMath.Log1p(double.CreateTruncating(x[i]))); }
        return new Vector<T>(r);
    }

    /// <summary>eˣ − 1 per lane through <see cref="ScalarMath.Expm1(double)"/>.</summary>
    public static Vector<T> Expm1<T>(Vector<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> r = stackalloc T[Vector<T>.Count];
        for (var i = 0; i < r.Length; i++) { r[i] = T.CreateTruncating(ScalarMath.Expm1(double.CreateTruncating(x[i]))); }
        return new Vector<T>(r);
    }

    /// <summary>erf x per lane through <see cref="ScalarMath.Erf(double)"/>.</summary>
    public static Vector<T> Erf<T>(Vector<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> r = stackalloc T[Vector<T>.Count];
        for (var i = 0; i < r.Length; i++) { r[i] = T.CreateTruncating(ScalarMath.Erf(double.CreateTruncating(x[i]))); }
        return new Vector<T>(r);
    }

    /// <summary>xʸ per lane.</summary>
    public static Vector<T> Pow<T>(Vector<T> x, Vector<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> r = stackalloc T[Vector<T>.Count];
        for (var i = 0; i < r.Length; i++) { r[i] = T.Pow(x[i], y[i]); }
        return new Vector<T>(r);
    }

    /// <summary>eˣ per lane with System.Numerics' vector exponential.</summary>
    private static Vector<T> Exp<T>(Vector<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            return Vector.Exp(Unsafe.BitCast<Vector<T>, Vector<float>>(x)).As<float, T>();
        }
        return Vector.Exp(Unsafe.BitCast<Vector<T>, Vector<double>>(x)).As<double, T>();
    }
}
