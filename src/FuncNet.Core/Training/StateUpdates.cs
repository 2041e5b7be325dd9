using System.Runtime.CompilerServices;
using FuncNet.Expressions;

namespace FuncNet.Training;

/// <summary>
/// Assignments that belong to a node rather than to an optimizer, such as batch normalization's running
/// statistics: registered when the node is built, and added by <see cref="Optimizer"/> to every training
/// step whose loss depends on the node. The user does not thread them through by hand (TensorFlow 1's
/// <c>UPDATE_OPS</c> collection, which a step silently missed unless told, is the failure this avoids).
/// The table is weak: it keeps nothing alive that the graph does not, and the node stays immutable.
/// </summary>
internal static class StateUpdates
{
    private static readonly ConditionalWeakTable<Expr, List<Assignment>> Table = new();

    /// <summary>Attaches <paramref name="assignments"/> to <paramref name="node"/> (kept once per variable).</summary>
    public static void Register(Expr node, params Assignment[] assignments)
    {
        var list = Table.GetValue(node, _ => []);
        lock (list)
        {
            foreach (var a in assignments)
            {
                if (!list.Any(existing => ReferenceEquals(existing.Variable, a.Variable)))
                {
                    list.Add(a);
                }
            }
        }
    }

    /// <summary>The assignments attached to the nodes <paramref name="output"/> depends on, in graph order; each variable once.</summary>
    public static IReadOnlyList<Assignment> Of(Expr output)
    {
        var found = new List<Assignment>();
        foreach (var node in GraphWalk.Topological([output]))
        {
            if (!Table.TryGetValue(node, out var list))
            {
                continue;
            }
            lock (list)
            {
                found.AddRange(list.Where(a => !found.Any(f => ReferenceEquals(f.Variable, a.Variable))));
            }
        }
        return found;
    }
}
