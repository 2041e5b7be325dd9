using FuncNet.Testing;

namespace FuncNet.Linq.Tests;

/// <summary>Random tensors, tolerant comparison, and FuncNet.Testing's gradient check of a sum.</summary>
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

    /// <summary>
    /// GradCheck of Σ f(inputs) at the given points: the queries under test build tensors, which the sum makes
    /// the scalar GradCheck needs.
    /// </summary>
    public static void Gradients(Func<Expr[], Expr> f, params Tensor[] points) =>
        GradCheck.Gradients(xs => Ops.ReduceSum(f(xs)), points).ThrowIfFailed();
}
