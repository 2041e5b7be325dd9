namespace FuncNet.Rewriting;

/// <summary>Replaces numerically fragile compositions with stable single ops, as Theano's stabilize stage does.</summary>
internal static class Stabilization
{
    public static readonly RewriteRule LogSoftmax = new("log ∘ softmax → LogSoftmax", node =>
        node.Op is LogOp && node.Inputs[0].Op is SoftmaxOp s ? Ops.LogSoftmax(node.Inputs[0].Inputs[0], s.Axis) : null);

    public static readonly RewriteRule LogSigmoid = new("log ∘ sigmoid → −softplus(−x)", node =>
        node.Op is LogOp && node.Inputs[0].Op is SigmoidOp ? -Ops.Softplus(-node.Inputs[0].Inputs[0]) : null);

    public static readonly RewriteRule[] All = [LogSoftmax, LogSigmoid];
}
