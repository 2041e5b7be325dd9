using FsCheck.Xunit;
using static FuncNet.Ops;

namespace FuncNet.Linq.Tests;

/// <summary>FsCheck gradient checks through every query form: the symbolic gradient agrees with central differences.</summary>
public class GradientProperties
{
    private static int Dim(int n) => 1 + Math.Abs(n % 3);

    [Property(MaxTest = 15)]
    public void ThroughSelect(int seed, int rows, int cols) =>
        Check.Gradients(x => from a in x[0] select Sigmoid(a) * a + Exp(-a * a), Check.Random(seed, Dim(rows), Dim(cols)));

    [Property(MaxTest = 15)]
    public void ThroughZip(int seed, int rows, int cols) =>
        Check.Gradients(x => x[0].Zip(x[1], (a, b) => a * Tanh(b) + b * b),
            Check.Random(seed, Dim(rows), Dim(cols)), Check.Random(seed + 1, Dim(cols)));

    [Property(MaxTest = 15)]
    public void ThroughSelectMany(int seed, int n, int m) =>
        Check.Gradients(x => from a in x[0] from b in x[1] select Sigmoid(a - b) * a,
            Check.Random(seed, Dim(n)), Check.Random(seed + 1, Dim(m), 2));

    [Property(MaxTest = 15)]
    public void ThroughWhereAggregates(int seed, int n)
    {
        // Every row and column keeps at least one element under each predicate, so no Max or Min is over an empty selection.
        var rows = Dim(n) + 1;
        var values = Check.Random(seed, rows, 3).ToDoubleArray();
        for (var i = 0; i < rows; i++) { values[i * 3] = 1.0 + 0.1 * i; }
        for (var j = 0; j < 3; j++) { values[j] = -1.0 + 0.2 * j; }
        var point = Tensor.Create(Shape.Of(rows, 3), values);
        Check.Gradients(x => (from a in x[0] where a > 0.1 select a * a).Sum(), point);
        Check.Gradients(x => x[0].Where(a => a < 0.2).Average(), point);
        Check.Gradients(x => x[0].Where(a => a > -1.5).Max(1) + x[0].Where(a => a < 1.5).Min(0).Sum(), point);
    }

    [Property(MaxTest = 15)]
    public void ThroughRows(int seed, int n)
    {
        var w = Expr.Constant(Check.Random(seed + 5, 3, 2));
        Check.Gradients(x => from row in x[0].Rows() select LogSoftmax(MatMul(row, w)) * ReduceMean(row),
            Check.Random(seed, Dim(n), 3));
        Check.Gradients(x => from row in x[0].Rows() select MatMul(row, x[1]) + ReduceMax(row, 1),
            Check.Random(seed, Dim(n), 2, 3), Check.Random(seed + 2, 3, 2));
    }
}
