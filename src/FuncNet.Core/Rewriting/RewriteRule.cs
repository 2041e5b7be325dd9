namespace FuncNet.Rewriting;

/// <summary>
/// A small local rewrite: given a node, an equivalent node (same shape, dtype and values) or null when the
/// rule does not apply. Rules never look beyond a node's nearby inputs.
/// </summary>
internal sealed record RewriteRule(string Name, Func<Expr, Expr?> Apply);
