using FuncNet.Expressions;

namespace FuncNet.Compilation;

/// <summary>The shape-independent part of a plan: the schedule and who reads whom.</summary>
internal sealed class PlanLayout
{
    public PlanLayout(Expr[] roots)
    {
        Schedule = GraphWalk.Topological(roots).ToArray();
        var index = new Dictionary<Expr, int>(Schedule.Length);
        for (var i = 0; i < Schedule.Length; i++) { index[Schedule[i]] = i; }
        Index = index;
        InputIndices = Schedule.Select(n => n.Inputs.Select(i => index[i]).ToArray()).ToArray();
        OutputIndices = roots.Select(r => index[r]).ToArray();
        var readers = Schedule.Select(_ => new List<(int, int)>()).ToArray();
        for (var k = 0; k < Schedule.Length; k++)
        {
            for (var a = 0; a < InputIndices[k].Length; a++) { readers[InputIndices[k][a]].Add((k, a)); }
        }
        Readers = readers.Select(r => r.ToArray()).ToArray();
        Placeholders = Enumerable.Range(0, Schedule.Length).Where(k => Schedule[k].IsPlaceholder).ToArray();
        Variables = Enumerable.Range(0, Schedule.Length).Where(k => Schedule[k].IsVariable).ToArray();
    }

    /// <summary>Every node the roots need, in topological order.</summary>
    public Expr[] Schedule { get; }

    public IReadOnlyDictionary<Expr, int> Index { get; }

    /// <summary>For each node, the schedule indices of its inputs.</summary>
    public int[][] InputIndices { get; }

    /// <summary>For each node, which (reader, argument position) pairs read it.</summary>
    public (int Reader, int Argument)[][] Readers { get; }

    /// <summary>The schedule index of each root (outputs, then assigned values).</summary>
    public int[] OutputIndices { get; }

    public int[] Placeholders { get; }

    public int[] Variables { get; }
}
