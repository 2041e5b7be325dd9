namespace FuncNet.Expressions;

/// <summary>Iterative graph traversal (no recursion, so 10,000-deep chains are fine).</summary>
internal static class GraphWalk
{
    /// <summary>Every node the roots depend on, including the roots, in topological order (inputs first).</summary>
    public static List<Expr> Topological(IEnumerable<Expr> roots)
    {
        var seen = new HashSet<Expr>();
        var stack = new Stack<Expr>();
        foreach (var r in roots)
        {
            if (seen.Add(r)) { stack.Push(r); }
        }
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            foreach (var i in n.Inputs)
            {
                if (seen.Add(i)) { stack.Push(i); }
            }
        }
        // Ids grow in creation order and inputs exist before their users: sorting by Id is topological.
        var order = seen.ToList();
        order.Sort((a, b) => a.Id.CompareTo(b.Id));
        return order;
    }
}
