using FuncNet.Expressions;

namespace FuncNet.Rewriting;

/// <summary>
/// Custom-VJP nodes (any <see cref="IInlinedOp"/>) replaced by their bodies before lowering: their rules matter
/// only to differentiation, which happens before plans rewrite, so what runs is the ops the user wrote, fused and
/// lowered as usual. The rule matches the interface, not the custom-VJP op, because that op belongs to a later
/// layer (differentiation) than rewriting.
/// </summary>
internal static class Inlining
{
    public static readonly RewriteRule CustomVjp = new("custom VJP → its body", node =>
        node.Op is IInlinedOp c ? c.Inline(node.Inputs) : null);
}
