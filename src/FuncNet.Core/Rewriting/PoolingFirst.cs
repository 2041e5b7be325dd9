namespace FuncNet.Rewriting;

/// <summary>
/// Moves max pooling ahead of what commutes with it, so that work runs on the pooled, smaller images: the
/// ubiquitous conv → bias → ReLU → max-pool becomes conv → max-pool → bias → ReLU, which does the bias add, the
/// activation, their gradients and the bias gradient's reduction on a quarter of the elements (2 × 2 pooling).
/// Both moves are exact in floating point, values and gradients alike: a maximum commutes with any
/// non-decreasing function applied to every element of its window, and rounding keeps x ↦ x + c and ReLU
/// non-decreasing. The gradient routes through the same winner, or is zero either way (a window whose every
/// element ReLU zeroes). Only a NaN inside a window may differ (ReLU maps it to 0 before pooling, but it wins
/// the pooling after), and NaN is an error to be caught by CheckNumerics anyway. They run before
/// differentiation, so the gradient graph is built from the cheaper forward one.
/// </summary>
internal static class PoolingFirst
{
    public static readonly RewriteRule PoolBeforeRelu = new("max-pool ∘ relu → relu ∘ max-pool", node =>
        node.Op is MaxPool2DOp pool && node.Inputs[0].Op is ReluOp && Shrinks(node)
            ? Ops.Relu(Expr.Make(pool, node.Inputs[0].Inputs[0]))
            : null);

    public static readonly RewriteRule PoolBeforeChannelAdd = new("max-pool ∘ (x + per-channel c) → max-pool(x) + c", node =>
    {
        if (node.Op is not MaxPool2DOp pool || node.Inputs[0].Op is not AddOp || !Shrinks(node))
        {
            return null;
        }
        var sum = node.Inputs[0];
        foreach (var (x, c) in new[] { (sum.Inputs[0], sum.Inputs[1]), (sum.Inputs[1], sum.Inputs[0]) })
        {
            if (x.Shape == sum.Shape && ConstantOverEachImage(c.Shape))
            {
                return Expr.Make(pool, x) + c;
            }
        }
        return null;
    });

    /// <summary>True when a shape broadcast against (N, C, H, W) is the same at every (h, w) of an image: its last two axes are 1 or absent.</summary>
    private static bool ConstantOverEachImage(Shape c) =>
        (c.Rank < 1 || c[^1] == 1) && (c.Rank < 2 || c[^2] == 1);

    // Only when the pooled image is known to be smaller: moving work there is the point, and "same" pooling
    // gains nothing. Image sizes may be unknown (-1) until a feed says.
    private static bool Shrinks(Expr pooled)
    {
        Shape output = pooled.Shape, input = pooled.Inputs[0].Shape;
        return output[2] > 0 && output[3] > 0 && input[2] > 0 && input[3] > 0 && output[2] * output[3] < input[2] * input[3];
    }

    public static readonly RewriteRule[] All = [PoolBeforeRelu, PoolBeforeChannelAdd];
}
