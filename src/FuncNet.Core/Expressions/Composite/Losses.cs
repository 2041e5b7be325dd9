namespace FuncNet;

public static partial class Ops
{
    /// <summary>
    /// Per-example softmax cross-entropy −Σ labels · log softmax(logits) along the last axis, computed from
    /// logits through LogSoftmax so it stays finite at any logit magnitude. Labels may be soft (rows summing to 1).
    /// </summary>
    public static Expr SoftmaxCrossEntropyWithLogits(Expr labels, Expr logits) =>
        -ReduceSum(labels * LogSoftmax(logits, -1), -1);

    /// <summary>
    /// Elementwise sigmoid cross-entropy −z·log σ(x) − (1 − z)·log(1 − σ(x)) for logits x and labels z,
    /// computed as softplus(x) − x·z so it never overflows.
    /// </summary>
    public static Expr SigmoidCrossEntropyWithLogits(Expr labels, Expr logits) => Softplus(logits) - logits * labels;
}
