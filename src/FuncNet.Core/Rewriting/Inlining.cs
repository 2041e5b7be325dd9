namespace FuncNet;

/// <summary>
/// Custom-VJP nodes replaced by their bodies before lowering: their rules matter only to differentiation,
/// which happens before plans rewrite, so what runs is the ops the user wrote, fused and lowered as usual.
/// </summary>
internal static class Inlining
{
    public static readonly RewriteRule CustomVjp = new("custom VJP → its body", node =>
        node.Op is CustomVjpOp c ? c.Inline(node.Inputs) : null);
}
