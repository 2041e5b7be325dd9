using FuncNet.Compilation;
using FuncNet.Rewriting;

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
    private readonly SpecializationCache _specializations;
    private readonly AssignmentWriteBack _writeBack;
    private readonly GraphReplay _replay;
    private readonly Dictionary<Expr, DeviceTensor> _resident = new();
    // Made once: a method group converted per run would allocate a delegate on every run.
    private readonly Func<Expr, DeviceTensor> _residentOf;
    private readonly object _gate = new();
    private bool _disposed;
    private int _running;
    // Per-run facts: one immutable value replaced whole at the end of each run (and a counter bumped
    // atomically in GraphReplay), so concurrent runs never leave half of one run's facts beside half of another's.
    private PlanRunInfo? _lastRun;

    /// <summary>How many shape specializations a plan keeps unless told otherwise (<see cref="SpecializationLimit"/>).</summary>
    public const int DefaultSpecializationLimit = 8;

    private Plan(IReadOnlyList<Expr> outputs, IReadOnlyList<KeyValuePair<Expr, Expr>> assignments, IBackend backend, bool rewrite)
    {
        Backend = backend;
        SourceOutputs = outputs.ToArray();
        _outputs = PlanRoots.Build(outputs, assignments, backend, rewrite);
        _assigned = assignments.Select(a => a.Key).ToArray();
        _layout = new PlanLayout(_outputs);
        _specializations = new SpecializationCache(_layout);
        _writeBack = new AssignmentWriteBack(backend, _layout, _assigned, _outputs.Length - _assigned.Length);
        _replay = new GraphReplay(backend, _layout, _writeBack);
        _residentOf = Resident;
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
        get => _specializations.Limit;
        set
        {
            if (value < 1)
            {
                throw new FuncNetException($"Plan.SpecializationLimit: expected at least 1 (shape set kept); given {value}.");
            }
            _specializations.Limit = value;
        }
    }

    /// <summary>How many sets of fed shapes the plan holds prepared right now (at most <see cref="SpecializationLimit"/>).</summary>
    public int SpecializationCount => _specializations.Count;

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
    public int GraphCaptures => _replay.Captures;

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
        FeedBinding.Validate(_layout, feeds);
        var spec = _specializations.For(feeds);
        var arena = spec.Rent(Backend, _residentOf);
        List<DeviceTensor>? uploads = null;
        try
        {
            (var fedVariables, uploads) = FeedBinding.Bind(Backend, _layout, arena, feeds, variables, _residentOf);
            var (capture, fallback) = _replay.CaptureFor(arena, fedVariables, CaptureGraphs, CheckNumerics);
            PlanRunInfo run;
            if (capture is null)
            {
                arena.RunKernels(CheckNumerics);
                run = arena.EagerRunInfo(fallback);
            }
            else
            {
                run = _replay.Run(capture, arena, variables);
            }
            Volatile.Write(ref _lastRun, run);
            var results = fetch ? new Tensor[_outputs.Length - _assigned.Length] : [];
            for (var i = 0; i < results.Length; i++) { results[i] = Backend.Download(arena.Values[_layout.OutputIndices[i]]); }
            if (variables is not null && capture is null)
            {
                _writeBack.Move(variables, arena);
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
            _specializations.Dispose();
            foreach (var v in _resident.Values) { v.Dispose(); }
            _resident.Clear();
        }
    }
}
