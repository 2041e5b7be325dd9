namespace FuncNet;

/// <summary>
/// A compiled computation: the outputs rewritten to a fixpoint, fused (except on the Reference backend),
/// scheduled once in topological order (each node computed once per run, however many users it has), and
/// specialized to the shapes of the fed values: kernels prepared and storage laid out once per distinct set
/// of shapes, buffers reused by liveness and across runs. A plan may also assign new values to variables:
/// run against a <see cref="VariableStore"/>, a whole training step updates its weights in place.
/// A plan owns its storage and is <see cref="IDisposable"/>. Running one plan from several threads at once
/// is safe: each run takes its own arena (a variable store, however, is not for concurrent runs). Disposing
/// waits for the runs in flight; runs started after that throw <see cref="ObjectDisposedException"/>.
/// A plan keeps the storage of its <see cref="SpecializationLimit"/> most recently fed shape sets.
/// </summary>
public sealed class Plan : IDisposable
{
    private readonly Expr[] _outputs;
    private readonly Expr[] _assigned;
    private readonly PlanLayout _layout;
    // Most recently used first; at most SpecializationLimit entries.
    private readonly List<(int[] Dims, Specialization Spec)> _specializations = new();
    private readonly Dictionary<Expr, DeviceTensor> _resident = new();
    private readonly object _gate = new();
    private bool _disposed;
    private int _running;
    private int _specializationLimit = DefaultSpecializationLimit;
    // Per-run facts: one immutable value replaced whole at the end of each run, and a counter bumped
    // atomically, so concurrent runs never leave half of one run's facts beside half of another's.
    private PlanRunInfo? _lastRun;
    private int _graphCaptures;

    /// <summary>How many shape specializations a plan keeps unless told otherwise (<see cref="SpecializationLimit"/>).</summary>
    public const int DefaultSpecializationLimit = 8;

    private Plan(IReadOnlyList<Expr> outputs, IReadOnlyList<KeyValuePair<Expr, Expr>> assignments, IBackend backend, bool rewrite)
    {
        Backend = backend;
        SourceOutputs = outputs.ToArray();
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
        _assigned = assignments.Select(a => a.Key).ToArray();
        // Assigned values are computed like outputs (after them), then written into the variable store.
        Expr[] roots = [.. outputs, .. assignments.Select(a => a.Value)];
        if (rewrite)
        {
            roots = Simplifier.Simplify(roots);
            // The oracle (the Reference backend) states that it runs the graph op by op, as written.
            if (backend.FusesElementwise)
            {
                roots = Fusion.Fuse(roots);
            }
        }
        _outputs = roots;
        _layout = new PlanLayout(roots);
        Placeholders = _layout.Placeholders.Select(k => _layout.Schedule[k]).ToArray();
        Variables = _layout.Variables.Select(k => _layout.Schedule[k]).ToArray();
    }

    /// <summary>Compiles outputs for a backend (default: <see cref="FuncNet.Backend.Default"/>), rewriting them first.</summary>
    public static Plan Compile(IReadOnlyList<Expr> outputs, IBackend? backend = null)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        return new Plan(outputs, [], backend ?? FuncNet.Backend.Default, rewrite: true);
    }

    /// <summary>Compiles outputs for the default backend.</summary>
    public static Plan Compile(params Expr[] outputs) => Compile((IReadOnlyList<Expr>)outputs);

    /// <summary>
    /// Compiles outputs together with assignments (variable → new value, all computed from the values
    /// before the run: a simultaneous update). Running it against a <see cref="VariableStore"/> updates
    /// the variables in place on the backend: a whole training step in one plan.
    /// </summary>
    public static Plan Compile(IReadOnlyList<Expr> outputs, IReadOnlyList<KeyValuePair<Expr, Expr>> assignments, IBackend? backend = null)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(assignments);
        return new Plan(outputs, assignments, backend ?? FuncNet.Backend.Default, rewrite: true);
    }

    /// <summary>Compiles outputs exactly as given, without rewriting or fusion (for tests of the rewrites themselves).</summary>
    internal static Plan CompileUnrewritten(IReadOnlyList<Expr> outputs, IBackend? backend = null) =>
        new(outputs, [], backend ?? FuncNet.Backend.Default, rewrite: false);

    /// <summary>The backend the plan runs on.</summary>
    public IBackend Backend { get; }

    /// <summary>The outputs as the caller gave them.</summary>
    public IReadOnlyList<Expr> SourceOutputs { get; }

    /// <summary>The outputs after rewriting, then the assigned values: what actually runs.</summary>
    public IReadOnlyList<Expr> Outputs => _outputs;

    /// <summary>The placeholders the outputs depend on: each must be fed.</summary>
    public IReadOnlyList<Expr> Placeholders { get; }

    /// <summary>The variables the outputs depend on: read from a variable store or feeds, otherwise their initial values.</summary>
    public IReadOnlyList<Expr> Variables { get; }

    /// <summary>The number of scheduled nodes (leaves included).</summary>
    public int NodeCount => _layout.Schedule.Length;

    /// <summary>The nodes in run order, after rewriting and fusion: what tests inspect for the kernels each backend prepares.</summary>
    internal IReadOnlyList<Expr> Schedule => _layout.Schedule;

    /// <summary>
    /// When true, every run checks each kernel's output for NaN and infinity (downloading it, so runs are much
    /// slower) and throws <see cref="NumericsException"/> naming the first op that produced one, with
    /// statistics of its inputs. Off by default. Nodes are those that run: after rewriting and fusion.
    /// </summary>
    public bool CheckNumerics { get; set; }

    /// <summary>
    /// How many distinct sets of fed shapes the plan keeps prepared (kernels and storage) at once; default
    /// <see cref="DefaultSpecializationLimit"/>. Feeding a new set of shapes beyond the limit evicts the least
    /// recently used one (its storage is released once no run uses it), so a plan fed ever-changing batch sizes
    /// holds bounded memory; a shape fed again after eviction is prepared again. Lowering the limit evicts at once.
    /// </summary>
    public int SpecializationLimit
    {
        get { lock (_gate) { return _specializationLimit; } }
        set
        {
            if (value < 1)
            {
                throw new FuncNetException($"Plan.SpecializationLimit: expected at least 1 (shape set kept); given {value}.");
            }
            List<Specialization> evicted;
            lock (_gate)
            {
                _specializationLimit = value;
                evicted = EvictBeyondLimit();
            }
            foreach (var e in evicted) { e.Dispose(); }
        }
    }

    /// <summary>How many sets of fed shapes the plan holds prepared right now (at most <see cref="SpecializationLimit"/>).</summary>
    public int SpecializationCount
    {
        get { lock (_gate) { return _specializations.Count; } }
    }

    /// <summary>
    /// What the most recently finished run did, as one consistent value (null before the first run). Read
    /// this rather than the separate <c>LastRun…</c> properties when other threads run the plan too.
    /// </summary>
    public PlanRunInfo? LastRun => Volatile.Read(ref _lastRun);

    /// <summary>How many kernels (non-leaf, non-view nodes) the most recent run executed: each node at most once.</summary>
    public int LastRunKernelCount => LastRun?.KernelCount ?? 0;

    /// <summary>
    /// On a backend that records and replays work (<see cref="IGraphCapture"/>, e.g. CUDA graphs), whether
    /// runs are recorded once per shape specialization and replayed (default true): the first run is eager,
    /// the second is recorded, later runs replay it with one call. Runs that feed variables or check
    /// numerics, and plans with host kernels, stay eager (<see cref="GraphFallbackReason"/> says why).
    /// Ignored by backends that do not capture.
    /// </summary>
    public bool CaptureGraphs { get; set; } = true;

    /// <summary>How many recordings the plan has made (one per specialization, again when bound storage changed).</summary>
    public int GraphCaptures => Volatile.Read(ref _graphCaptures);

    /// <summary>True when the most recent run replayed a recording instead of launching kernel by kernel.</summary>
    public bool LastRunReplayed => LastRun?.Replayed ?? false;

    /// <summary>Why the most recent run did not replay a recording (e.g. the backend does not capture, or the warm-up run); null when it did or before the first run.</summary>
    public string? GraphFallbackReason => LastRun?.GraphFallbackReason;

    /// <summary>
    /// Runs the plan on the given feeds (placeholders, and optionally variables, to values); variables not
    /// fed take their initial values, and assignments are discarded. Returns the outputs.
    /// </summary>
    public Tensor[] Run(IReadOnlyDictionary<Expr, Tensor>? feeds) => Run(feeds, null);

    /// <summary>
    /// Runs the plan reading variables from <paramref name="variables"/> (which must live on this plan's
    /// backend) unless fed, and writing the assignments back into it once every output is computed.
    /// Returns the outputs (not the assigned values).
    /// </summary>
    public Tensor[] Run(IReadOnlyDictionary<Expr, Tensor>? feeds, VariableStore? variables) => RunCore(feeds, variables, fetch: true);

    /// <summary>
    /// Runs the plan on values already on its backend (uploaded once with <see cref="IBackend.Upload"/>, or
    /// kept from earlier work), writes the assignments into <paramref name="variables"/> and fetches nothing:
    /// the way to train from data resident on a GPU. Fed placeholders are copied on the device into the
    /// plan's buffers (so a recorded run stays valid whatever is fed); fed variables are read in place for
    /// this run. On a backend that queues work this returns once the work is enqueued; call
    /// <see cref="IBackend.Synchronize"/> (or read a value) to wait for it.
    /// </summary>
    public void Execute(IReadOnlyDictionary<Expr, DeviceTensor>? feeds, VariableStore? variables) => RunCore(feeds, variables, fetch: false);

    /// <summary>Runs the plan on host values (<see cref="Tensor"/>) or backend values (<see cref="DeviceTensor"/>), fetching the outputs or not.</summary>
    private Tensor[] RunCore<TValue>(IReadOnlyDictionary<Expr, TValue>? feeds, VariableStore? variables, bool fetch) where TValue : class
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _running++;
        }
        try
        {
            return RunOnce(feeds, variables, fetch);
        }
        finally
        {
            lock (_gate)
            {
                // Dispose waits for the last run in flight before it releases any storage.
                if (--_running == 0 && _disposed) { Monitor.PulseAll(_gate); }
            }
        }
    }

    /// <summary>One run, counted in flight by <see cref="RunCore"/>.</summary>
    private Tensor[] RunOnce<TValue>(IReadOnlyDictionary<Expr, TValue>? feeds, VariableStore? variables, bool fetch) where TValue : class
    {
        if (variables is not null && variables.Backend != Backend)
        {
            throw new FuncNetException($"Plan.Run: the variable store lives on backend '{variables.Backend.Name}' but the plan runs on '{Backend.Name}'.");
        }
        ValidateFeeds(feeds);
        var spec = Specialize(feeds);
        var arena = spec.Rent(Backend, Resident);
        List<DeviceTensor>? uploads = null;
        var fedVariables = false;
        try
        {
            var schedule = _layout.Schedule;
            foreach (var k in _layout.Placeholders)
            {
                switch (feeds![schedule[k]])
                {
                    case Tensor host: Backend.CopyIn(host, arena.Values[k]); break;
                    case DeviceTensor device: Backend.Copy(device, arena.Values[k]); break;
                }
            }
            foreach (var k in _layout.Variables)
            {
                var v = schedule[k];
                if (feeds is not null && feeds.TryGetValue(v, out var fed))
                {
                    fedVariables = true;
                    if (fed is Tensor host)
                    {
                        var upload = Allocation.Upload(Backend, host, v);
                        (uploads ??= []).Add(upload);
                        arena.Bind(k, upload);
                    }
                    else
                    {
                        arena.Bind(k, (DeviceTensor)(object)fed);
                    }
                }
                else
                {
                    arena.Bind(k, variables is not null ? variables.Resident(v) : Resident(v));
                }
            }
            var (capture, fallback) = CaptureFor(arena, fedVariables);
            PlanRunInfo run;
            if (capture is null)
            {
                RunKernels(arena, CheckNumerics);
                run = new PlanRunInfo(arena.KernelCount, false, fallback);
            }
            else
            {
                run = RunCaptured(capture, arena, variables);
            }
            Volatile.Write(ref _lastRun, run);
            var results = fetch ? new Tensor[_outputs.Length - _assigned.Length] : [];
            for (var i = 0; i < results.Length; i++) { results[i] = Backend.Download(arena.Values[_layout.OutputIndices[i]]); }
            if (variables is not null && capture is null)
            {
                Assign(variables, arena);
            }
            return results;
        }
        finally
        {
            if (uploads is not null)
            {
                foreach (var u in uploads) { u.Dispose(); }
            }
            spec.Return(arena);
        }
    }

    /// <summary>Runs every kernel of the arena in schedule order.</summary>
    private void RunKernels(Arena arena, bool checkNumerics)
    {
        var schedule = _layout.Schedule;
        for (var k = 0; k < schedule.Length; k++)
        {
            if (arena.Kernels[k] is { } kernel)
            {
                kernel.Run(arena.Arguments[k], arena.Values[k]);
                if (checkNumerics)
                {
                    NumericsCheck.After(Backend, schedule[k], arena.Arguments[k], arena.Values[k]);
                }
            }
        }
    }

    /// <summary>
    /// The capturing backend when this run may use a recording, else null with the reason why not. Fed variables are uploaded per run (storage a recording cannot
    /// know) and numerics checks download between kernels, so such runs are eager.
    /// </summary>
    private (IGraphCapture? Capture, string? Reason) CaptureFor(Arena arena, bool fedVariables)
    {
        var capture = Backend as IGraphCapture;
        var reason =
            capture is null ? $"backend '{Backend.Name}' does not capture graphs"
            : !CaptureGraphs ? "CaptureGraphs is off"
            : CheckNumerics ? "CheckNumerics is on (it downloads after every kernel)"
            : fedVariables ? "a variable was fed (its storage is bound for this run only)"
            : (arena.Capture ??= new ArenaCapture(CaptureBlocker(capture, arena), _assigned.Length)).Blocker;
        return reason is null ? (capture, null) : (null, reason);
    }

    /// <summary>Why an arena can never be recorded, or null: a kernel that synchronizes, or an aliasing the in-place assignment would break.</summary>
    private string? CaptureBlocker(IGraphCapture capture, Arena arena)
    {
        var schedule = _layout.Schedule;
        for (var k = 0; k < schedule.Length; k++)
        {
            if (arena.Kernels[k] is { } kernel && !capture.CanCapture(kernel))
            {
                return $"the {schedule[k].Op.Name} kernel of {schedule[k]} cannot be recorded (it synchronizes or runs on the host)";
            }
        }
        if (_assigned.Length > 0)
        {
            // A recording writes assignments into the variables' storage in place, after every kernel. An
            // output or assigned value that IS a variable's storage would then read the new value (or be
            // overwritten mid-update by a simultaneous swap), so such plans run eagerly.
            foreach (var k in _layout.OutputIndices)
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
    private PlanRunInfo RunCaptured(IGraphCapture capture, Arena arena, VariableStore? variables)
    {
        var state = arena.Capture!;
        for (var a = 0; a < _assigned.Length; a++) { state.Targets[a] = variables?.Resident(_assigned[a])!; }
        if (state.Matches(variables, arena.BindingsChanged))
        {
            state.Replay();
            return new PlanRunInfo(arena.KernelCount, true, null);
        }
        if (!state.WarmedUp)
        {
            RunKernels(arena, checkNumerics: false);
            CopyAssignments(arena, state.Targets);
            state.WarmedUp = true;
            return new PlanRunInfo(arena.KernelCount, false, "warm-up run (the next run is recorded)");
        }
        try
        {
            state.Record(capture, () =>
            {
                RunKernels(arena, checkNumerics: false);
                CopyAssignments(arena, state.Targets);
            }, variables);
        }
        catch (FuncNetException e)
        {
            // Nothing ran during the failed recording: block the arena and run this step eagerly.
            state.Block($"recording failed: {e.Message}");
            RunKernels(arena, checkNumerics: false);
            CopyAssignments(arena, state.Targets);
            return new PlanRunInfo(arena.KernelCount, false, state.Blocker);
        }
        arena.BindingsChanged = false;
        Interlocked.Increment(ref _graphCaptures);
        state.Replay();
        return new PlanRunInfo(arena.KernelCount, true, null);
    }

    /// <summary>Copies each assigned value into its variable's storage (null targets: no store, assignments discarded).</summary>
    private void CopyAssignments(Arena arena, DeviceTensor[] targets)
    {
        var first = _outputs.Length - _assigned.Length;
        for (var a = 0; a < targets.Length; a++)
        {
            if (targets[a] is { } target)
            {
                Backend.Copy(arena.Values[_layout.OutputIndices[first + a]], target);
            }
        }
    }

    /// <summary>
    /// Moves each assigned value into the store. A computed value is handed over without a copy: the
    /// arena takes the variable's old storage in exchange. Anything else (a view, a leaf, a value assigned
    /// twice) is copied.
    /// </summary>
    private void Assign(VariableStore variables, Arena arena)
    {
        var first = _outputs.Length - _assigned.Length;
        for (var a = 0; a < _assigned.Length; a++)
        {
            var k = _layout.OutputIndices[first + a];
            var old = variables.Resident(_assigned[a]);
            if (!AssignedEarlier(first, a, k) && arena.TrySwap(k, old, out var fresh))
            {
                variables.Exchange(_assigned[a], fresh);
            }
            else
            {
                var copy = Allocation.Allocate(Backend, arena.Values[k].Shape, arena.Values[k].DType, _assigned[a]);
                Backend.Copy(arena.Values[k], copy);
                variables.Replace(_assigned[a], copy);
            }
        }
    }

    /// <summary>True when an earlier assignment of this run took the same value (it then has no buffer left to give).</summary>
    private bool AssignedEarlier(int first, int a, int k)
    {
        for (var e = 0; e < a; e++)
        {
            if (_layout.OutputIndices[first + e] == k) { return true; }
        }
        return false;
    }

    private void ValidateFeeds<TValue>(IReadOnlyDictionary<Expr, TValue>? feeds) where TValue : class
    {
        if (feeds is not null)
        {
            foreach (var (node, value) in feeds)
            {
                if (value is null)
                {
                    throw new FuncNetException($"The feed for {node} is null; give it a tensor.");
                }
                if (value is DeviceTensor { IsDisposed: true })
                {
                    throw new FuncNetException($"The feed for {node} is a disposed DeviceTensor; upload the value again.");
                }
                var (shape, dtype) = ShapeOf(value);
                switch (node.Op)
                {
                    case PlaceholderOp p:
                        p.Validate(shape, dtype);
                        break;
                    case VariableOp v:
                        if (shape != v.InitialValue.Shape || dtype != v.InitialValue.DType)
                        {
                            throw new ShapeException($"Value for variable '{v.VariableName}': expected shape {v.InitialValue.Shape} {v.InitialValue.DType}; given {shape} {dtype}.");
                        }
                        break;
                    default:
                        throw new FuncNetException($"Only placeholders and variables can be fed; given a value for {node.Op.Name} node {node}.");
                }
            }
        }
        foreach (var k in _layout.Placeholders)
        {
            var p = _layout.Schedule[k];
            if (feeds is null || !feeds.ContainsKey(p))
            {
                var op = (PlaceholderOp)p.Op;
                throw new MissingFeedException(
                    $"Placeholder '{op.PlaceholderName}' (shape {op.DeclaredShape}, {op.DeclaredDType}) is needed by the outputs but was not fed; add it to the feeds.");
            }
        }
    }

    /// <summary>The shape and dtype of a fed host or backend value.</summary>
    private static (Shape Shape, DType DType) ShapeOf(object value) => value switch
    {
        Tensor t => (t.Shape, t.DType),
        DeviceTensor d => (d.Shape, d.DType),
        _ => throw new FuncNetException($"A feed must be a Tensor or a DeviceTensor; given {value.GetType().Name}."),
    };

    /// <summary>The specialization for the fed shapes, built once per distinct set of shapes.</summary>
    private Specialization Specialize<TValue>(IReadOnlyDictionary<Expr, TValue>? feeds) where TValue : class
    {
        var schedule = _layout.Schedule;
        var count = 0;
        foreach (var k in _layout.Placeholders) { count += schedule[k].Rank; }
        Span<int> dims = count <= 64 ? stackalloc int[count] : new int[count];
        var at = 0;
        foreach (var k in _layout.Placeholders)
        {
            foreach (var d in ShapeOf(feeds![schedule[k]]).Shape.Dims) { dims[at++] = d; }
        }
        lock (_gate)
        {
            for (var i = 0; i < _specializations.Count; i++)
            {
                var (key, spec) = _specializations[i];
                if (dims.SequenceEqual(key))
                {
                    if (i > 0) { MoveToFront(i); }
                    return spec;
                }
            }
        }
        var shapes = new Shape[schedule.Length];
        for (var k = 0; k < schedule.Length; k++)
        {
            var node = schedule[k];
            // A node of known shape over inputs of unknown shape is checked again too: ArgMax over an axis fed
            // as length 0 has a known output shape but must still be refused.
            if (node.Shape.IsFullyKnown && node.Inputs.All(i => i.Shape.IsFullyKnown))
            {
                shapes[k] = node.Shape;
            }
            else if (node.IsPlaceholder)
            {
                shapes[k] = ShapeOf(feeds![node]).Shape;
            }
            else
            {
                var inputShapes = _layout.InputIndices[k].Select(i => shapes[i]).ToArray();
                shapes[k] = node.Op.Infer(inputShapes, node.Inputs.Select(i => i.DType).ToArray()).Shape;
            }
        }
        var created = new Specialization(_layout, shapes);
        List<Specialization> evicted;
        lock (_gate)
        {
            // Another thread may have specialized the same shapes meanwhile: keep one.
            for (var i = 0; i < _specializations.Count; i++)
            {
                if (dims.SequenceEqual(_specializations[i].Dims))
                {
                    MoveToFront(i);
                    return _specializations[0].Spec;
                }
            }
            _specializations.Insert(0, (dims.ToArray(), created));
            evicted = EvictBeyondLimit();
        }
        // A retired specialization releases its idle arenas now and the ones in flight when their runs end.
        foreach (var e in evicted) { e.Dispose(); }
        return created;
    }

    private void MoveToFront(int i)
    {
        var entry = _specializations[i];
        _specializations.RemoveAt(i);
        _specializations.Insert(0, entry);
    }

    /// <summary>Takes the least recently used specializations beyond the limit out of the list (caller holds the gate, then disposes them).</summary>
    private List<Specialization> EvictBeyondLimit()
    {
        var evicted = new List<Specialization>();
        while (_specializations.Count > _specializationLimit)
        {
            evicted.Add(_specializations[^1].Spec);
            _specializations.RemoveAt(_specializations.Count - 1);
        }
        return evicted;
    }

    /// <summary>The plan-owned backend copy of a constant or a variable's initial value, uploaded once.</summary>
    private DeviceTensor Resident(Expr node)
    {
        lock (_gate)
        {
            if (!_resident.TryGetValue(node, out var value))
            {
                var host = node.Op is ConstantOp c ? c.Value : ((VariableOp)node.Op).InitialValue;
                _resident[node] = value = Allocation.Upload(Backend, host, node);
            }
            return value;
        }
    }

    /// <summary>
    /// Releases the plan's storage: its arenas and its copies of constants. Runs in flight on other threads
    /// finish first (Dispose waits for them), so no storage in use is released; later runs throw
    /// <see cref="ObjectDisposedException"/>.
    /// </summary>
    public void Dispose()
    {
        lock (_gate)
        {
            // Every caller waits, so a second Dispose racing the first does not return while storage is still in use.
            _disposed = true;
            while (_running > 0) { Monitor.Wait(_gate); }
            foreach (var (_, spec) in _specializations) { spec.Dispose(); }
            _specializations.Clear();
            foreach (var v in _resident.Values) { v.Dispose(); }
            _resident.Clear();
        }
    }
}
