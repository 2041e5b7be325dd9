namespace FuncNet.Expressions;

/// <summary>Infix text of an expression. Shared subexpressions are printed where used (it is a DAG printed as a tree), so very large graphs are abbreviated.</summary>
internal static class ExprPrinter
{
    private const int MaxLength = 4000;

    public static string Print(Expr root)
    {
        var text = new Dictionary<Expr, string>();
        foreach (var node in GraphWalk.Topological([root]))
        {
            var s = node.Op.Format(node.Inputs.Select(i => text[i]).ToArray());
            text[node] = s.Length > MaxLength ? $"{node.Op.Name}#{node.Id}{node.Shape}" : s;
        }
        return text[root];
    }
}
