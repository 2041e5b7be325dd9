namespace FuncNet.Linq.Tests;

/// <summary>Random tensors, tolerant comparison and a central-difference gradient check.</summary>
internal static class Check
{
    public static Tensor Random(int seed, params int[] dims)
    {
        var r = new Random(seed);
        var shape = new Shape(dims);
        var values = Enumerable.Range(0, shape.Size).Select(_ => r.NextDouble() * 4 - 2).ToArray();
        return Tensor.Create(shape, values);
    }

    public static void Close(Tensor expected, Tensor actual, double tol = 1e-9)
    {
        Assert.True(expected.Shape == actual.Shape, $"shape: expected {expected.Shape}, actual {actual.Shape}");
        Assert.True(actual.AllClose(expected, tol, tol), $"max abs diff {expected.MaxAbsDifference(actual):E3}\nexpected\n{expected}\nactual\n{actual}");
    }

    /// <summary>Compares the symbolic gradient of Σ f(inputs) with central differences at the given points.</summary>
    public static void Gradients(Func<Expr[], Expr> f, params Tensor[] points)
    {
        var xs = points.Select((p, i) => Expr.Placeholder("x" + i, p.Shape)).ToArray();
        var y = Ops.ReduceSum(f(xs));
        var grads = Ops.Gradients(y, xs);
        var feeds = xs.Zip(points).ToDictionary(p => p.First, p => p.Second);
        var symbolic = Ops.Eval(grads, feeds);
        using var plan = Plan.Compile(y);
        const double h = 1e-6;
        for (var k = 0; k < xs.Length; k++)
        {
            var values = points[k].ToDoubleArray();
            var numeric = new double[values.Length];
            for (var i = 0; i < values.Length; i++)
            {
                double At(double v)
                {
                    var copy = (double[])values.Clone();
                    copy[i] = v;
                    var f2 = new Dictionary<Expr, Tensor>(feeds) { [xs[k]] = Tensor.Create(points[k].Shape, copy) };
                    return plan.Run(f2)[0].ToScalar();
                }
                numeric[i] = (At(values[i] + h) - At(values[i] - h)) / (2 * h);
            }
            Close(Tensor.Create(points[k].Shape, numeric), symbolic[k], 1e-5);
        }
    }
}
