using FuncNet.Lowering;

namespace FuncNet.Expressions;

/// <summary>
/// The element pairs a gather moves, walked the same way by Gather's reference kernel (which reads the source
/// and writes the gathered position) and by ScatterAdd's (its adjoint: it reads the gathered position and adds
/// into the source one).
/// </summary>
internal static class GatherTraversal
{
    /// <summary>
    /// Calls <paramref name="visit"/>(gathered, source) for every element of the gathered tensor, in order, with
    /// the flat position of the source element it comes from; <paramref name="index"/> must be checked already.
    /// </summary>
    public static void ForEachElement(GatherGeometry g, int[] index, Action<int, int> visit)
    {
        for (var b = 0; b < g.Batch; b++)
        {
            for (var o = 0; o < g.Outer; o++)
            {
                for (var k = 0; k < g.Count; k++)
                {
                    var j = index[b * g.Count + k];
                    for (var i = 0; i < g.Inner; i++) { visit(g.Gathered(b, o, k, i), g.Source(b, o, j, i)); }
                }
            }
        }
    }
}
