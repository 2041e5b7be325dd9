namespace FuncNet.Testing;

/// <summary>
/// Checks symbolic derivatives against central differences in Float64, as PyTorch's <c>gradcheck</c> and
/// <c>gradgradcheck</c> do: for every element of every input, (f(x + h) − f(x − h)) / 2h is compared with the
/// symbolic derivative, and an element passes when |symbolic − numeric| ≤ atol + rtol·|numeric|. The output
/// must be a floating-point scalar (reduce a tensor first, e.g. with <c>ReduceSum</c>). The numeric side runs
/// plans compiled without rewriting, so the oracle does not depend on the rewrites it may be checking.
/// <code>
/// GradCheck.Gradients(xs => ReduceSum(Tanh(MatMul(xs[0], xs[1]))), a, b).ThrowIfFailed();
/// </code>
/// </summary>
public static class GradCheck
{
    /// <summary>
    /// Checks <see cref="Ops.Gradients(Expr, Expr[])"/> of <c>f(x0, x1, …)</c> at the given points, with
    /// <see cref="GradCheckOptions.Default"/>. <paramref name="f"/> receives one Float64 placeholder per point
    /// (named x0, x1, …; Float32 points are widened to Float64).
    /// </summary>
    public static GradCheckReport Gradients(Func<Expr[], Expr> f, params Tensor[] at) => Gradients(f, at, GradCheckOptions.Default);

    /// <summary>Checks the gradients of <c>f(x0, x1, …)</c> at the given points with the given options.</summary>
    public static GradCheckReport Gradients(Func<Expr[], Expr> f, IReadOnlyList<Tensor> at, GradCheckOptions options) =>
        Gradients(f, Ops.Gradients, at, options);

    /// <summary>
    /// Checks a gradient computed by <paramref name="gradient"/> (given the output and the inputs, it returns
    /// one gradient per input, as <see cref="Ops.Gradients(Expr, Expr[])"/> does): a hand-written or custom
    /// rule is checked the same way as FuncNet's own.
    /// </summary>
    public static GradCheckReport Gradients(Func<Expr[], Expr> f, Func<Expr, Expr[], Expr[]> gradient, params Tensor[] at) =>
        Gradients(f, gradient, at, GradCheckOptions.Default);

    /// <summary>Checks a gradient computed by <paramref name="gradient"/> with the given options.</summary>
    public static GradCheckReport Gradients(Func<Expr[], Expr> f, Func<Expr, Expr[], Expr[]> gradient, IReadOnlyList<Tensor> at, GradCheckOptions options)
    {
        ArgumentNullException.ThrowIfNull(f);
        var (inputs, values) = Float64Inputs(at);
        return Check("gradient", f(inputs), inputs, values, gradient, options);
    }

    /// <summary>
    /// Checks the gradients of an existing graph: <paramref name="output"/> differentiated with respect to
    /// <paramref name="inputs"/> (Float64 placeholders or variables), fed with <paramref name="values"/>.
    /// </summary>
    public static GradCheckReport Gradients(Expr output, IReadOnlyList<Expr> inputs, IReadOnlyList<Tensor> values) =>
        Gradients(output, inputs, values, GradCheckOptions.Default);

    /// <summary>Checks the gradients of an existing graph with the given options.</summary>
    public static GradCheckReport Gradients(Expr output, IReadOnlyList<Expr> inputs, IReadOnlyList<Tensor> values, GradCheckOptions options) =>
        Check("gradient", output, GraphInputs(inputs, values), values.ToArray(), Ops.Gradients, options);

    /// <summary>
    /// The second-order check (<c>gradgradcheck</c>): the gradients of s(x) = Σᵢ Σ uᵢ ⊙ ∂f/∂xᵢ, for a seeded
    /// random projection u with elements in [0.5, 1.5], against central differences of s. It checks that
    /// FuncNet's gradients differentiate correctly again (Hessian-vector products, gradient penalties).
    /// </summary>
    public static GradCheckReport SecondOrder(Func<Expr[], Expr> f, params Tensor[] at) => SecondOrder(f, at, GradCheckOptions.Default);

    /// <summary>The second-order check of <c>f(x0, x1, …)</c> with the given options.</summary>
    public static GradCheckReport SecondOrder(Func<Expr[], Expr> f, IReadOnlyList<Tensor> at, GradCheckOptions options)
    {
        ArgumentNullException.ThrowIfNull(f);
        var (inputs, values) = Float64Inputs(at);
        return SecondOrderCheck(f(inputs), inputs, values, options);
    }

    /// <summary>The second-order check of an existing graph.</summary>
    public static GradCheckReport SecondOrder(Expr output, IReadOnlyList<Expr> inputs, IReadOnlyList<Tensor> values, GradCheckOptions options) =>
        SecondOrderCheck(output, GraphInputs(inputs, values), values.ToArray(), options);

    private static GradCheckReport SecondOrderCheck(Expr output, Expr[] inputs, Tensor[] values, GradCheckOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        RequireScalarFloat(output);
        var grads = Ops.Gradients(output, inputs);
        var rng = new Random(options.Seed);
        Expr projected = Expr.Constant(0.0, output.DType);
        for (var i = 0; i < grads.Length; i++)
        {
            var u = Tensor.Create(grads[i].Shape, Enumerable.Range(0, grads[i].Shape.Size).Select(_ => 0.5 + rng.NextDouble()).ToArray());
            projected += Ops.ReduceSum(Expr.Constant(u) * grads[i]);
        }
        return Check("second-order gradient", projected, inputs, values, Ops.Gradients, options);
    }

    private static GradCheckReport Check(string what, Expr output, Expr[] inputs, Tensor[] values, Func<Expr, Expr[], Expr[]> gradient, GradCheckOptions options)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(gradient);
        ArgumentNullException.ThrowIfNull(options);
        RequireScalarFloat(output);
        var symbolicExprs = gradient(output, inputs) ?? throw new FuncNetException("GradCheck: the gradient function returned null; expected one gradient per input.");
        if (symbolicExprs.Length != inputs.Length)
        {
            throw new FuncNetException($"GradCheck: the gradient function returned {symbolicExprs.Length} gradient(s) for {inputs.Length} input(s); expected one per input, in order.");
        }
        for (var i = 0; i < inputs.Length; i++)
        {
            if (symbolicExprs[i].Shape != values[i].Shape)
            {
                throw new ShapeException($"GradCheck: the gradient for input '{inputs[i].Name}' has shape {symbolicExprs[i].Shape}; expected the input's shape {values[i].Shape}.");
            }
        }
        var feeds = Feeds(inputs, values);
        Tensor[] symbolic;
        using (var plan = Plan.Compile(symbolicExprs, options.Backend))
        {
            symbolic = plan.Run(feeds);
        }
        using var cost = Plan.CompileUnrewritten([output], options.Backend);
        var reports = new GradCheckInputReport[inputs.Length];
        for (var i = 0; i < inputs.Length; i++)
        {
            var numeric = CentralDifference(cost, feeds, inputs[i], values[i], options.Epsilon);
            reports[i] = Compare(inputs[i].Name ?? $"input {i}", values[i].Shape, symbolic[i].ToDoubleArray(), numeric, options);
        }
        return new GradCheckReport(what, output, options, reports);
    }

    /// <summary>∂cost/∂input by central differences, one element at a time.</summary>
    private static double[] CentralDifference(Plan cost, Dictionary<Expr, Tensor> feeds, Expr input, Tensor value, double h)
    {
        var x = value.ToDoubleArray();
        var grad = new double[x.Length];
        var shifted = new Dictionary<Expr, Tensor>(feeds);
        for (var j = 0; j < x.Length; j++)
        {
            var saved = x[j];
            x[j] = saved + h;
            shifted[input] = Tensor.Create(value.Shape, x);
            var plus = cost.Run(shifted)[0].ToScalar();
            x[j] = saved - h;
            shifted[input] = Tensor.Create(value.Shape, x);
            var minus = cost.Run(shifted)[0].ToScalar();
            x[j] = saved;
            grad[j] = (plus - minus) / (2 * h);
        }
        return grad;
    }

    private static GradCheckInputReport Compare(string name, Shape shape, double[] symbolic, double[] numeric, GradCheckOptions options)
    {
        var failed = 0;
        var worst = -1;
        var worstRatio = double.NegativeInfinity;
        for (var k = 0; k < symbolic.Length; k++)
        {
            var allowed = options.AbsoluteTolerance + options.RelativeTolerance * Math.Abs(numeric[k]);
            var error = Math.Abs(symbolic[k] - numeric[k]);
            // NaN anywhere is the worst possible element: it fails and it is the one reported.
            var ratio = double.IsNaN(error) ? double.PositiveInfinity : error / allowed;
            if (double.IsNaN(error) || error > allowed)
            {
                failed++;
            }
            if (ratio > worstRatio)
            {
                worstRatio = ratio;
                worst = k;
            }
        }
        if (worst < 0)
        {
            return new GradCheckInputReport(name, shape, 0, [], 0, 0, options.AbsoluteTolerance);
        }
        return new GradCheckInputReport(name, shape, failed, Unflatten(worst, shape), symbolic[worst], numeric[worst],
            options.AbsoluteTolerance + options.RelativeTolerance * Math.Abs(numeric[worst]));
    }

    private static int[] Unflatten(int flat, Shape shape)
    {
        var index = new int[shape.Rank];
        for (var axis = shape.Rank - 1; axis >= 0; axis--)
        {
            index[axis] = flat % shape[axis];
            flat /= shape[axis];
        }
        return index;
    }

    private static void RequireScalarFloat(Expr output)
    {
        if (!output.DType.IsFloat())
        {
            throw new DTypeException($"GradCheck: the output must be Float32 or Float64 to be differentiated; given {output.DType} ({output}).");
        }
        if (output.Shape.Rank != 0)
        {
            throw new ShapeException(
                $"GradCheck: the output must be a scalar (shape ()); given shape {output.Shape} ({output}). Reduce it first, e.g. ReduceSum(f(x)), or project it with a random tensor u: ReduceSum(u * f(x)).");
        }
    }

    private static (Expr[] Inputs, Tensor[] Values) Float64Inputs(IReadOnlyList<Tensor> at)
    {
        ArgumentNullException.ThrowIfNull(at);
        if (at.Count == 0)
        {
            throw new FuncNetException("GradCheck: expected at least one point to differentiate at; given none.");
        }
        var inputs = new Expr[at.Count];
        var values = new Tensor[at.Count];
        for (var i = 0; i < at.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(at[i], $"at[{i}]");
            if (!at[i].DType.IsFloat())
            {
                throw new DTypeException($"GradCheck: point {i} is {at[i].DType} of shape {at[i].Shape}; gradients need floating-point inputs (they are checked in Float64).");
            }
            values[i] = at[i].Cast(DType.Float64);
            inputs[i] = Expr.Placeholder($"x{i}", values[i].Shape);
        }
        return (inputs, values);
    }

    private static Expr[] GraphInputs(IReadOnlyList<Expr> inputs, IReadOnlyList<Tensor> values)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(values);
        if (inputs.Count != values.Count || inputs.Count == 0)
        {
            throw new FuncNetException($"GradCheck: expected one value per input and at least one input; given {inputs.Count} input(s) and {values.Count} value(s).");
        }
        for (var i = 0; i < inputs.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(inputs[i], $"inputs[{i}]");
            ArgumentNullException.ThrowIfNull(values[i], $"values[{i}]");
            if (!inputs[i].IsPlaceholder && !inputs[i].IsVariable)
            {
                throw new FuncNetException($"GradCheck: input {i} must be a placeholder or a variable (it is fed with its value); given {inputs[i].Op.Name} node {inputs[i]}.");
            }
            if (inputs[i].DType != DType.Float64 || values[i].DType != DType.Float64)
            {
                throw new DTypeException(
                    $"GradCheck: input '{inputs[i].Name}' must be Float64, and so must its value, for central differences to keep their digits; given {inputs[i].DType} fed with {values[i].DType}. Build the graph in Float64, or use the function form, which makes Float64 placeholders.");
            }
        }
        return inputs.ToArray();
    }

    private static Dictionary<Expr, Tensor> Feeds(Expr[] inputs, Tensor[] values)
    {
        var feeds = new Dictionary<Expr, Tensor>();
        for (var i = 0; i < inputs.Length; i++) { feeds[inputs[i]] = values[i]; }
        return feeds;
    }
}
