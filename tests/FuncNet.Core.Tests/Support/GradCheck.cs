using System.Text;
using static FuncNet.Ops;

namespace FuncNet.Tests.Support;

/// <summary>
/// Finite-difference checks of derivatives, after Theano's <c>verify_grad</c>: a non-scalar output is
/// reduced by a random projection Σ u ⊙ f(x), its symbolic gradient is compared with central differences,
/// and an element fails only when both its absolute and its relative error exceed the tolerance.
/// Numeric values come from plans compiled without rewriting, so the oracle does not depend on the rewriter.
/// </summary>
public static class GradCheck
{
    public const double Tolerance = 1e-4;

    /// <summary>The random projection u of verify_grad: values in [0.5, 1.5] so no component is tiny.</summary>
    public static Tensor Projection(Random rng, Shape shape) =>
        Tensor.Create(shape, Enumerable.Range(0, shape.Size).Select(_ => 0.5 + rng.NextDouble()).ToArray());

    /// <summary>Random directions (tangents, Hessian vectors) in [-1, 1].</summary>
    public static Tensor Direction(Random rng, Shape shape) =>
        Tensor.Create(shape, Enumerable.Range(0, shape.Size).Select(_ => 2 * rng.NextDouble() - 1).ToArray());

    /// <summary>Checks Gradients(Σ u ⊙ f, inputs) against central differences of the projected cost.</summary>
    public static void VerifyGrad(BuiltExpr e, Random rng, double eps = 1e-6, string? context = null)
    {
        var cost = ReduceSum(Expr.Constant(Projection(rng, e.Output.Shape)) * e.Output);
        var grads = Gradients(cost, e.Inputs.ToArray());
        Tensor[] symbolic;
        using (var plan = Plan.Compile(grads))
        {
            symbolic = plan.Run(e.Feeds);
        }
        using var costPlan = Plan.CompileUnrewritten([cost]);
        var report = new StringBuilder();
        for (var i = 0; i < e.Inputs.Count; i++)
        {
            var numeric = CentralDifference(x => costPlan.Run(e.FeedsWith(x))[0], e.Values, i, eps);
            Compare($"d cost / d {e.Inputs[i].Name}", symbolic[i], numeric, report);
        }
        Fail(report, e, context);
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

    /// <summary>∂f/∂(input i) by central differences, one element at a time.</summary>
    public static Tensor CentralDifference(Func<IReadOnlyList<Tensor>, Tensor> f, IReadOnlyList<Tensor> values, int input, double eps)
    {
        var x = values[input].ToDoubleArray();
        var grad = new double[x.Length];
        for (var j = 0; j < x.Length; j++)
        {
            var saved = x[j];
            x[j] = saved + eps;
            var plus = f(Replace(values, input, Tensor.Create(values[input].Shape, x))).ToScalar();
            x[j] = saved - eps;
            var minus = f(Replace(values, input, Tensor.Create(values[input].Shape, x))).ToScalar();
            x[j] = saved;
            grad[j] = (plus - minus) / (2 * eps);
        }
        return Tensor.Create(values[input].Shape, grad);
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

    private static Tensor[] Replace(IReadOnlyList<Tensor> values, int index, Tensor value)
    {
        var copy = values.ToArray();
        copy[index] = value;
        return copy;
    }
}
