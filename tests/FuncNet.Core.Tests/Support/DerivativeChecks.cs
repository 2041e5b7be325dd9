using System.Text;
using FuncNet.Testing;
using static FuncNet.Ops;

namespace FuncNet.Tests.Support;

/// <summary>
/// Derivative checks of random programs, after Theano's <c>verify_grad</c>: a non-scalar output is reduced by a
/// random projection Σ u ⊙ f(x). Reverse mode goes through FuncNet.Testing's <see cref="FuncNet.Testing.GradCheck"/>
/// (what users get); forward mode and Hessian-vector products, which GradCheck does not cover, compare with
/// directional central differences here. Numeric values come from plans compiled without rewriting.
/// </summary>
public static class DerivativeChecks
{
    /// <summary>
    /// verify_grad's 1e-4: here an element fails when both its absolute and relative errors exceed it; given to
    /// GradCheck as atol = 1e-4, rtol = 2e-4 (|a − n| ≤ 1e-4 + 2e-4·|n|, nearly the same rule).
    /// </summary>
    public const double Tolerance = 1e-4;

    /// <summary>The random projection u of verify_grad: values in [0.5, 1.5] so no component is tiny.</summary>
    public static Tensor Projection(Random rng, Shape shape) =>
        Tensor.Create(shape, Enumerable.Range(0, shape.Size).Select(_ => 0.5 + rng.NextDouble()).ToArray());

    /// <summary>Random directions (tangents, Hessian vectors) in [-1, 1].</summary>
    public static Tensor Direction(Random rng, Shape shape) =>
        Tensor.Create(shape, Enumerable.Range(0, shape.Size).Select(_ => 2 * rng.NextDouble() - 1).ToArray());

    /// <summary>Checks Gradients(Σ u ⊙ f, inputs) against central differences of the projected cost, with GradCheck.</summary>
    public static void VerifyGrad(BuiltExpr e, Random rng, double eps = 1e-6, string? context = null)
    {
        var cost = ReduceSum(Expr.Constant(Projection(rng, e.Output.Shape)) * e.Output);
        var options = GradCheckOptions.Default.WithEpsilon(eps).WithTolerances(Tolerance, 2 * Tolerance);
        var report = FuncNet.Testing.GradCheck.Gradients(cost, e.Inputs, e.Values, options);
        if (!report.Passed)
        {
            Assert.Fail($"{context}\n{report}");
        }
    }

    /// <summary>Checks Ops.Jvp(f, inputs, v) against (f(x + h v) − f(x − h v)) / 2h.</summary>
    public static void VerifyJvp(BuiltExpr e, Random rng, double eps = 1e-6, string? context = null)
    {
        var tangents = e.Values.Select(v => Direction(rng, v.Shape)).ToArray();
        var jvp = Jvp(e.Output, e.Inputs, tangents.Select(Expr.Constant).ToArray());
        Tensor symbolic;
        using (var plan = Plan.Compile(jvp))
        {
            symbolic = plan.Run(e.Feeds)[0];
        }
        using var f = Plan.CompileUnrewritten([e.Output]);
        var plus = f.Run(e.FeedsWith(Shift(e.Values, tangents, eps)))[0];
        var minus = f.Run(e.FeedsWith(Shift(e.Values, tangents, -eps)))[0];
        var numeric = Difference(plus, minus, eps);
        var report = new StringBuilder();
        Compare("Jvp", symbolic, numeric, report);
        Fail(report, e, context);
    }

    /// <summary>Checks Ops.Hvp(Σ u ⊙ f, inputs, v) against the central difference of the gradients along v.</summary>
    public static void VerifyHvp(BuiltExpr e, Random rng, double eps = 1e-5, string? context = null)
    {
        var cost = ReduceSum(Expr.Constant(Projection(rng, e.Output.Shape)) * e.Output);
        var vectors = e.Values.Select(v => Direction(rng, v.Shape)).ToArray();
        var hvp = Hvp(cost, e.Inputs, vectors.Select(Expr.Constant).ToArray());
        Tensor[] symbolic;
        using (var plan = Plan.Compile(hvp))
        {
            symbolic = plan.Run(e.Feeds);
        }
        using var gradPlan = Plan.CompileUnrewritten(Gradients(cost, e.Inputs.ToArray()));
        var plus = gradPlan.Run(e.FeedsWith(Shift(e.Values, vectors, eps)));
        var minus = gradPlan.Run(e.FeedsWith(Shift(e.Values, vectors, -eps)));
        var report = new StringBuilder();
        for (var i = 0; i < e.Inputs.Count; i++)
        {
            Compare($"Hvp for {e.Inputs[i].Name}", symbolic[i], Difference(plus[i], minus[i], eps), report);
        }
        Fail(report, e, context);
    }

    /// <summary>
    /// Appends every element where both |a − n| and |a − n| / (|a| + |n|) exceed the tolerance (verify_grad's
    /// rule), or a shape mismatch; NaN anywhere counts as a failure.
    /// </summary>
    public static void Compare(string what, Tensor analytic, Tensor numeric, StringBuilder report)
    {
        if (analytic.Shape != numeric.Shape)
        {
            report.AppendLine($"{what}: shape {analytic.Shape}, expected {numeric.Shape}");
            return;
        }
        var analyticValues = analytic.ToDoubleArray();
        var numericValues = numeric.ToDoubleArray();
        for (var k = 0; k < analyticValues.Length; k++)
        {
            double a = analyticValues[k], n = numericValues[k];
            var abs = Math.Abs(a - n);
            var rel = abs / (Math.Abs(a) + Math.Abs(n));
            if (double.IsNaN(abs) || (abs > Tolerance && rel > Tolerance))
            {
                report.AppendLine($"{what}[{k}]: symbolic {a:R}, numeric {n:R} (abs {abs:E2}, rel {rel:E2})");
            }
        }
    }

    private static void Fail(StringBuilder report, BuiltExpr e, string? context)
    {
        if (report.Length > 0)
        {
            Assert.Fail($"{context}\n{e.Output}\n{report}");
        }
    }

    private static Tensor[] Shift(IReadOnlyList<Tensor> values, IReadOnlyList<Tensor> directions, double h) =>
        values.Zip(directions, (v, d) => Tensor.Create(v.Shape, v.ToDoubleArray().Zip(d.ToDoubleArray(), (a, b) => a + h * b).ToArray())).ToArray();

    private static Tensor Difference(Tensor plus, Tensor minus, double h) =>
        Tensor.Create(plus.Shape, plus.ToDoubleArray().Zip(minus.ToDoubleArray(), (p, m) => (p - m) / (2 * h)).ToArray());
}
