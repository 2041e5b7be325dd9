namespace FuncNet.Compilation;

/// <summary>
/// Recording a plan's runs once per arena and replaying them, on a backend that captures work
/// (<see cref="IGraphCapture"/>, e.g. CUDA graphs): the first run is eager (warm-up), the second is
/// recorded, later runs replay it with one call while the storage it was recorded against is unchanged.
/// Runs that feed variables or check numerics, and arenas with host kernels, stay eager, with the reason.
/// </summary>
internal sealed class GraphReplay(IBackend backend, PlanLayout layout, AssignmentWriteBack writeBack)
{
    private int _captures;
    // Made once: building the message on every run of a non-capturing backend cost an allocation per run.
    private readonly string _notCapturing = $"backend '{backend.Name}' does not capture graphs";

    /// <summary>How many recordings were made (one per arena, again when bound storage changed).</summary>
    public int Captures => Volatile.Read(ref _captures);

    /// <summary>
    /// The capturing backend when this run may use a recording, else null with the reason why not. Fed
    /// variables are uploaded per run (storage a recording cannot know) and numerics checks download between
    /// kernels, so such runs are eager.
    /// </summary>
    public (IGraphCapture? Capture, string? Reason) CaptureFor(Arena arena, bool fedVariables, bool captureGraphs, bool checkNumerics)
    {
        var capture = backend as IGraphCapture;
        var reason =
            capture is null ? _notCapturing
            : !captureGraphs ? "CaptureGraphs is off"
            : checkNumerics ? "CheckNumerics is on (it downloads after every kernel)"
            : fedVariables ? "a variable was fed (its storage is bound for this run only)"
            : (arena.Capture ??= new ArenaCapture(CaptureBlocker(capture, arena), writeBack.Assigned.Length)).Blocker;
        return reason is null ? (capture, null) : (null, reason);
    }

    /// <summary>Why an arena can never be recorded, or null: a kernel that synchronizes, or an aliasing the in-place assignment would break.</summary>
    private string? CaptureBlocker(IGraphCapture capture, Arena arena)
    {
        var schedule = layout.Schedule;
        for (var k = 0; k < schedule.Length; k++)
        {
            if (arena.Kernels[k] is { } kernel && !capture.CanCapture(kernel))
            {
                return $"the {schedule[k].Op.Name} kernel of {schedule[k]} cannot be recorded (it synchronizes or runs on the host)";
            }
        }
        if (writeBack.Assigned.Length > 0)
        {
            // A recording writes assignments into the variables' storage in place, after every kernel. An
            // output or assigned value that IS a variable's storage would then read the new value (or be
            // overwritten mid-update by a simultaneous swap), so such plans run eagerly.
            foreach (var k in layout.OutputIndices)
            {
                var root = schedule[arena.Specialization.Root[k]];
                if (root.IsVariable)
                {
                    return $"an output or assigned value is the variable '{((VariableOp)root.Op).VariableName}' itself";
                }
            }
        }
        return null;
    }

    /// <summary>
    /// Runs the arena on a capturing backend: eagerly the first time (warm-up), then records the run and
    /// replays the recording on every later run while the storage it was recorded against is unchanged
    /// (recording again otherwise). In this mode assignments are copied into the store's storage in place,
    /// inside the recording, so the store's storage (and the recording) stays valid from run to run.
    /// </summary>
    public PlanRunInfo Run(IGraphCapture capture, Arena arena, VariableStore? variables)
    {
        var state = arena.Capture!;
        var assigned = writeBack.Assigned;
        for (var a = 0; a < assigned.Length; a++) { state.Targets[a] = variables?.Resident(assigned[a])!; }
        if (state.Matches(variables, arena.BindingsChanged))
        {
            state.Replay();
            return new PlanRunInfo(arena.KernelCount, true, null);
        }
        if (!state.WarmedUp)
        {
            RunEagerly(arena, state);
            state.WarmedUp = true;
            return new PlanRunInfo(arena.KernelCount, false, "warm-up run (the next run is recorded)");
        }
        try
        {
            state.Record(capture, () => RunEagerly(arena, state), variables);
        }
        catch (FuncNetException e)
        {
            // Nothing ran during the failed recording: block the arena and run this step eagerly.
            state.Block($"recording failed: {e.Message}");
            RunEagerly(arena, state);
            return new PlanRunInfo(arena.KernelCount, false, state.Blocker);
        }
        arena.BindingsChanged = false;
        Interlocked.Increment(ref _captures);
        state.Replay();
        return new PlanRunInfo(arena.KernelCount, true, null);
    }

    private void RunEagerly(Arena arena, ArenaCapture state)
    {
        arena.RunKernels(checkNumerics: false);
        writeBack.CopyInto(arena, state.Targets);
    }
}
