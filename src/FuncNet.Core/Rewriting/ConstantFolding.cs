using FuncNet.Expressions;

namespace FuncNet.Rewriting;

/// <summary>Evaluates nodes whose inputs are all constants, and sizes of known shapes.</summary>
internal static class ConstantFolding
{
    /// <summary>Folded results larger than this stay symbolic, so folding never blows up memory.</summary>
    private const int MaxFoldedElements = 1 << 14;

    public static readonly RewriteRule Fold = new("fold constants", node =>
    {
        if (node.Inputs.Count == 0 || !node.Inputs.All(i => i.IsConstant) || !node.Shape.IsFullyKnown || node.Shape.Size > MaxFoldedElements)
        {
            return null;
        }
        var values = node.Inputs.Select(i => ((ConstantOp)i.Op).Value).ToArray();
        return Expr.Constant(node.Op.Reference(values, node.Shape, node.DType));
    });

    public static readonly RewriteRule FoldSize = new("fold sizes of known shapes", node =>
        node.Op is SizeOfOp s && node.Inputs[0].Shape.IsFullyKnown
            ? Expr.Constant(s.Count(node.Inputs[0].Shape), node.DType)
            : null);
}
