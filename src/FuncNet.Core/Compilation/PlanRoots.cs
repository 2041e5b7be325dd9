using FuncNet.Rewriting;

namespace FuncNet.Compilation;

/// <summary>
/// What a plan runs, decided when it is compiled: the outputs, then the assigned values, rewritten to a
/// fixpoint and fused, except on a backend that runs graphs op by op as written (the Reference backend, the
/// oracle, says so through <see cref="IBackend.FusesElementwise"/>). Assignments are checked here.
/// </summary>
internal static class PlanRoots
{
    /// <summary>The roots to schedule: outputs first, then one per assignment, in the order given.</summary>
    public static Expr[] Build(IReadOnlyList<Expr> outputs, IReadOnlyList<KeyValuePair<Expr, Expr>> assignments, IBackend backend, bool rewrite)
    {
        foreach (var (variable, value) in assignments)
        {
            if (variable.Op is not VariableOp v)
            {
                throw new FuncNetException($"Plan: only variables can be assigned; given {variable.Op.Name} node {variable}.");
            }
            if (!value.Shape.IsCompatibleWith(v.InitialValue.Shape) || value.DType != v.InitialValue.DType)
            {
                throw new ShapeException($"Plan: the new value of variable '{v.VariableName}' must have shape {v.InitialValue.Shape} {v.InitialValue.DType}; given {value.Shape} {value.DType}.");
            }
        }
        // Assigned values are computed like outputs (after them), then written into the variable store.
        Expr[] roots = [.. outputs, .. assignments.Select(a => a.Value)];
        if (rewrite)
        {
            roots = Simplifier.Simplify(roots);
            if (backend.FusesElementwise)
            {
                roots = Fusion.Fuse(roots);
            }
        }
        return roots;
    }
}
