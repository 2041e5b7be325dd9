using static FuncNet.Ops;

namespace FuncNet.Tests.Differentiation;

/// <summary>
/// The gradient reuses the forward graph: for an L-layer MLP, forward plus gradient (after rewriting) is at
/// most 4 × the forward graph, and grows by the same number of nodes per layer.
/// </summary>
public class GradientSizeTests
{
    private static (int Forward, int Total) Sizes(int layers)
    {
        var x = Expr.Placeholder("x", 8, 5);
        var labels = Expr.Placeholder("labels", 8, 5);
        var parameters = new List<Expr>();
        var h = x;
        for (var l = 0; l < layers; l++)
        {
            var w = Expr.Variable($"W{l}", Tensor.Ones(Shape.Of(5, 5)));
            var b = Expr.Variable($"b{l}", Tensor.Zeros(Shape.Of(5)));
            parameters.AddRange([w, b]);
            h = Sigmoid(MatMul(h, w) + b);
        }
        var loss = ReduceMean(-ReduceSum(labels * LogSoftmax(h), 1));
        var grads = Gradients(loss, parameters.ToArray());
        var forward = Graph.NodeCount(loss);
        var total = Graph.NodeCount(Simplify([loss, .. grads]));
        return (forward, total);
    }

    [Fact]
    public void ForwardPlusGradientIsLinearAndAtMostFourTimesForward()
    {
        int[] depths = [1, 2, 4, 8, 16, 32, 64];
        var sizes = depths.Select(Sizes).ToArray();
        for (var i = 0; i < depths.Length; i++)
        {
            Assert.True(sizes[i].Total <= 4 * sizes[i].Forward, $"L={depths[i]}: {sizes[i].Total} nodes for a forward graph of {sizes[i].Forward}");
        }
        // Per-layer increments between successive depths: the same constant for every pair (linear growth).
        var increments = Enumerable.Range(1, depths.Length - 1)
            .Select(i => (double)(sizes[i].Total - sizes[i - 1].Total) / (depths[i] - depths[i - 1])).ToArray();
        var forwardPerLayer = (double)(sizes[^1].Forward - sizes[^2].Forward) / (depths[^1] - depths[^2]);
        Assert.True(increments.Max() - increments.Min() <= 1.0,
            $"per-layer growth varies: {string.Join(", ", increments)} (sizes {string.Join(", ", sizes)})");
        Assert.True(increments.Max() <= 4 * forwardPerLayer, $"{increments.Max()} nodes per layer for {forwardPerLayer} forward");
    }
}
