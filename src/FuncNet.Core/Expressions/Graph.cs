using System.Text;
using FuncNet.Expressions;

namespace FuncNet;

/// <summary>Inspection of expression graphs: node counts and DOT export.</summary>
public static class Graph
{
    /// <summary>The number of distinct nodes the given outputs depend on (shared nodes count once).</summary>
    public static int NodeCount(params Expr[] outputs) => GraphWalk.Topological(outputs).Count;

    /// <summary>The number of distinct nodes the given outputs depend on.</summary>
    public static int NodeCount(IEnumerable<Expr> outputs) => GraphWalk.Topological(outputs).Count;

    /// <summary>
    /// The computational graph in Graphviz DOT: one box per node labelled with its op (or the name of a
    /// placeholder or variable), shape and dtype; edges point from inputs to users, as the curriculum draws them.
    /// </summary>
    public static string ToDot(params Expr[] outputs)
    {
        var sb = new StringBuilder();
        sb.AppendLine("digraph FuncNet {");
        sb.AppendLine("  rankdir=LR;");
        sb.AppendLine("  node [shape=box, fontname=\"Helvetica\"];");
        foreach (var n in GraphWalk.Topological(outputs))
        {
            var label = n.Op switch
            {
                PlaceholderOp p => $"{p.PlaceholderName}\\nPlaceholder",
                VariableOp v => $"{v.VariableName}\\nVariable",
                ConstantOp => n.Op.Format([]),
                _ => n.Op.Name,
            };
            var style = n.Op switch
            {
                PlaceholderOp => ", style=filled, fillcolor=\"#dbe9f6\"",
                VariableOp => ", style=filled, fillcolor=\"#fde2c8\"",
                ConstantOp => ", style=filled, fillcolor=\"#eeeeee\"",
                _ => "",
            };
            sb.AppendLine($"  n{n.Id} [label=\"{Escape(label)}\\n{n.Shape} {n.DType}\"{style}];");
            foreach (var i in n.Inputs)
            {
                sb.AppendLine($"  n{i.Id} -> n{n.Id};");
            }
        }
        sb.AppendLine("}");
        return sb.ToString();
    }

    private static string Escape(string s) => s.Replace("\"", "\\\"", StringComparison.Ordinal);
}
