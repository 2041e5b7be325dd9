using FsCheck.Xunit;
using static FuncNet.Ops;

namespace FuncNet.Linq.Tests;

/// <summary>The shape laws of the queries, as properties.</summary>
public class ShapeLaws
{
    private static int[] Dims(int seed, int rank)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, Math.Abs(rank % 3)).Select(_ => r.Next(1, 4)).ToArray();
    }

    [Property(MaxTest = 30)]
    public void SelectManyShapeIsTheConcatenation(int seed, int rankX, int rankY)
    {
        Expr x = Expr.Placeholder("x", Dims(seed, rankX)), y = Expr.Placeholder("y", Dims(seed + 1, rankY));
        var query = from a in x from b in y select a - b;
        Assert.Equal(new Shape([.. x.Shape, .. y.Shape]), query.Shape);
    }

    /// <summary>The functions g that Rows is checked with: every batching rule, one at a time and combined.</summary>
    private static readonly Func<Expr, Expr>[] RowFunctions =
    [
        row => Sigmoid(row) * 2.0 - row,
        row => ReduceSum(row * row),
        row => Softmax(row, -1),
        row => Concat([row, Exp(row)], 0),
        row => Transpose(Reshape(row, 2, -1)),
        row => Slice(row, [1], [2]),
        row => Cast(ArgMax(Reshape(row, 2, 3), 1), DType.Float64),
        row => ExpandDims(row, 0) + Reshape(row, 6, 1),
        row => MatMul(Reshape(row, 2, 3), Expr.Constant(Check.Random(9, 3, 2))),
        row => MatMul(Expr.Constant(Check.Random(8, 4, 6)), row),
        row => ReduceMean(row) + 0.0 * ReduceMax(row),
        row => SumToShapeOf(Reshape(row, 2, 3), Expr.Constant(Tensor.Zeros(Shape.Of(3)))),
        row => BroadcastTo(ReduceSum(row), Shape.Of(2)) + Slice(OnesLike(row), [0], [2]),
        row => Expr.Constant(Check.Random(6, 2)),
        row => Gradient(ReduceSum(Sigmoid(row) * row), row),
    ];

    [Property(MaxTest = 30)]
    public void RowsSelectEqualsStackingGOfEachRow(int seed, int which, int count)
    {
        var g = RowFunctions[Math.Abs(which % RowFunctions.Length)];
        var rows = 1 + Math.Abs(count % 4);
        var data = Check.Random(seed, rows, 6);
        var x = Expr.Placeholder("x", -1, 6);
        var batched = (from row in x.Rows() select g(row)).Eval((x, data));

        var single = Expr.Placeholder("r", 6);
        var gOfRow = g(single);
        using var plan = Plan.Compile(gOfRow);
        var values = data.ToDoubleArray();
        var stacked = Enumerable.Range(0, rows)
            .SelectMany(i => plan.Run(new Dictionary<Expr, Tensor> { [single] = Tensor.FromArray(values[(i * 6)..((i + 1) * 6)]) })[0].ToDoubleArray())
            .ToArray();
        Check.Close(Tensor.Create(new Shape([rows, .. gOfRow.Shape]), stacked), batched, 1e-12);
    }
}
