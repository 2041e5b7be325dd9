namespace FuncNet.Compilation;

/// <summary>
/// How a run's assigned values reach the variable store: the plan schedules them after its outputs, so
/// assignment a is the value at <c>OutputIndices[first + a]</c>.
/// </summary>
internal sealed class AssignmentWriteBack(IBackend backend, PlanLayout layout, Expr[] assigned, int first)
{
    /// <summary>The assigned variables, in assignment order.</summary>
    public Expr[] Assigned => assigned;

    /// <summary>
    /// Moves each assigned value into the store. A computed value is handed over without a copy: the
    /// arena takes the variable's old storage in exchange. Anything else (a view, a leaf, a value assigned
    /// twice) is copied.
    /// </summary>
    public void Move(VariableStore variables, Arena arena)
    {
        for (var a = 0; a < assigned.Length; a++)
        {
            var k = layout.OutputIndices[first + a];
            var old = variables.Resident(assigned[a]);
            if (!AssignedEarlier(a, k) && arena.TrySwap(k, old, out var fresh))
            {
                variables.Exchange(assigned[a], fresh);
            }
            else
            {
                var copy = Allocation.Allocate(backend, arena.Values[k].Shape, arena.Values[k].DType, assigned[a]);
                backend.Copy(arena.Values[k], copy);
                variables.Replace(assigned[a], copy);
            }
        }
    }

    /// <summary>
    /// Copies each assigned value into its variable's storage in place (what a recorded run does, so the
    /// storage a recording knows stays the store's); null targets (no store) discard the assignment.
    /// </summary>
    public void CopyInto(Arena arena, DeviceTensor[] targets)
    {
        for (var a = 0; a < targets.Length; a++)
        {
            if (targets[a] is { } target)
            {
                backend.Copy(arena.Values[layout.OutputIndices[first + a]], target);
            }
        }
    }

    /// <summary>True when an earlier assignment of this run took the same value (it then has no buffer left to give).</summary>
    private bool AssignedEarlier(int a, int k)
    {
        for (var e = 0; e < a; e++)
        {
            if (layout.OutputIndices[first + e] == k) { return true; }
        }
        return false;
    }
}
