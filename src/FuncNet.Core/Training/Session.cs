using FuncNet.Checkpoints;

namespace FuncNet;

/// <summary>
/// Runs expressions the TensorFlow 1.x way: a session holds the current value of every variable it has
/// seen (starting from the variable's initial value) in a <see cref="VariableStore"/> on its backend, and
/// every run reads them there. Plans are compiled once per distinct fetch list and cached. Training steps
/// (<see cref="TrainingStep"/>) update the values in place on the backend; the expressions themselves never
/// change. A session is for one thread at a time (concurrent use throws); dispose it to release its plans
/// and values (Dispose waits for a call in flight on another thread to finish).
/// </summary>
public sealed class Session : IDisposable
{
    private VariableStore _store;
    // Held for the whole of every call: concurrent calls are refused, Dispose waits for the call in flight.
    private readonly object _gate = new();
    private volatile bool _disposeRequested;
    private readonly Dictionary<string, Plan> _plans = new();
    // Training steps are looked up by identity: the hot loop of training does no key building.
    private readonly Dictionary<TrainingStep, Plan> _stepPlans = new(ReferenceEqualityComparer.Instance);
    private bool _disposed;

    /// <summary>A session on <see cref="FuncNet.Backend.Default"/>.</summary>
    public Session() : this(null) { }

    /// <summary>A session on the given backend (null: <see cref="FuncNet.Backend.Default"/>).</summary>
    public Session(IBackend? backend)
    {
        Backend = backend ?? FuncNet.Backend.Default;
        _store = new VariableStore(Backend);
    }

    /// <summary>The backend every plan of this session runs on.</summary>
    public IBackend Backend { get; }

    /// <summary>
    /// When true, every run checks each kernel's output for NaN and infinity and throws
    /// <see cref="NumericsException"/> at the first op that produces one (see <see cref="Plan.CheckNumerics"/>).
    /// For debugging a diverging model: it makes runs much slower.
    /// </summary>
    public bool CheckNumerics { get; set; }

    /// <summary>
    /// On a backend that records and replays work (CUDA graphs), whether the session's plans record their
    /// runs and replay them (default true; see <see cref="Plan.CaptureGraphs"/>). Ignored elsewhere.
    /// </summary>
    public bool CaptureGraphs { get; set; } = true;

    /// <summary>How many distinct plans the session has compiled (one per distinct fetch list).</summary>
    public int CompiledPlanCount => _plans.Count + _stepPlans.Count;

    /// <summary>Evaluates one expression with no feeds.</summary>
    public Tensor Run(Expr fetch) => Run([fetch], (IReadOnlyDictionary<Expr, Tensor>?)null)[0];

    /// <summary>Evaluates one expression with the given feeds (placeholder → value). Unused feeds are allowed.</summary>
    public Tensor Run(Expr fetch, IReadOnlyDictionary<Expr, Tensor>? feeds) => Run([fetch], feeds)[0];

    /// <summary>Evaluates one expression with feeds given as pairs: <c>session.Run(y, (x, value))</c>.</summary>
    public Tensor Run(Expr fetch, params (Expr Node, Tensor Value)[] feeds) => Run([fetch], ToDictionary(feeds))[0];

    /// <summary>Evaluates one expression with feeds given as F# tuples: <c>session.Run(y, [x, value])</c>.</summary>
    public Tensor Run(Expr fetch, IEnumerable<Tuple<Expr, Tensor>> feeds) => Run([fetch], ToDictionary(feeds))[0];

    /// <summary>Evaluates several expressions together (shared nodes computed once) with the given feeds.</summary>
    public Tensor[] Run(IReadOnlyList<Expr> fetches, IReadOnlyDictionary<Expr, Tensor>? feeds)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(fetches);
        if (fetches.Count == 0) { return []; }
        // The guard comes first: two threads racing on the first run would otherwise each compile a plan.
        using var _ = Exclusive();
        var plan = PlanFor(fetches, () => Plan.Compile(fetches, Backend));
        plan.CheckNumerics = CheckNumerics;
        plan.CaptureGraphs = CaptureGraphs;
        return plan.Run(feeds, _store);
    }

    /// <summary>Evaluates several expressions with feeds given as pairs.</summary>
    public Tensor[] Run(IReadOnlyList<Expr> fetches, params (Expr Node, Tensor Value)[] feeds) => Run(fetches, ToDictionary(feeds));

    /// <summary>
    /// Executes one training step: a forward pass on <paramref name="feeds"/> computing the loss and the new
    /// value of every variable the step updates, then assigns all of them at once. Returns the loss before
    /// the update as a scalar tensor; <see cref="Tensor.ToScalar"/> reads it as a number.
    /// </summary>
    public Tensor Run(TrainingStep step, IReadOnlyDictionary<Expr, Tensor>? feeds)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(step);
        using var _ = Exclusive();
        if (!_stepPlans.TryGetValue(step, out var plan))
        {
            _stepPlans[step] = plan = step.Build(Backend);
        }
        plan.CheckNumerics = CheckNumerics;
        plan.CaptureGraphs = CaptureGraphs;
        // The plan computes every new value from the old ones, then installs them all in the store, on the
        // backend and in place: a simultaneous update with no copy through the host.
        return plan.Run(feeds, _store)[0];
    }

    /// <summary>Executes one training step with feeds given as pairs; returns the loss before the update (<see cref="Tensor.ToScalar"/> reads it).</summary>
    public Tensor Run(TrainingStep step, params (Expr Node, Tensor Value)[] feeds) => Run(step, ToDictionary(feeds));

    /// <summary>Executes one training step with feeds given as F# tuples, <c>session.Run(step, [x, xT; y, yT])</c>; returns the loss before the update.</summary>
    public Tensor Run(TrainingStep step, IEnumerable<Tuple<Expr, Tensor>> feeds) => Run(step, ToDictionary(feeds));

    /// <summary>The current value of a variable (its initial value until a step or <see cref="Assign"/> changes it).</summary>
    public Tensor GetValue(Expr variable)
    {
        RequireVariable(variable, nameof(GetValue));
        using var _ = Exclusive();
        return _store.Get(variable);
    }

    /// <summary>Sets the current value of a variable; the shape and dtype must match its initial value.</summary>
    public void Assign(Expr variable, Tensor value)
    {
        RequireVariable(variable, nameof(Assign));
        ArgumentNullException.ThrowIfNull(value);
        var initial = variable.InitialValue;
        if (value.Shape != initial.Shape || value.DType != initial.DType)
        {
            throw new ShapeException(
                $"Assign to variable '{variable.Name}': expected shape {initial.Shape} {initial.DType}; given {value.Shape} {value.DType}.");
        }
        using var _ = Exclusive();
        _store.Set(variable, value);
    }

    /// <summary>
    /// Saves the current values of <paramref name="variables"/> (by their names, which must be unique) to a
    /// safetensors checkpoint at <paramref name="path"/>, atomically (see <see cref="Checkpoint"/>).
    /// </summary>
    public void Save(string path, IReadOnlyList<Expr> variables) => Save(path, variables, null);

    /// <summary>Saves the current values of <paramref name="variables"/> with string <paramref name="metadata"/>, atomically.</summary>
    public void Save(string path, IReadOnlyList<Expr> variables, IReadOnlyDictionary<string, string>? metadata)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(path);
        var named = VariableCheckpoint.Named(variables, "Session.Save");
        var values = new OrderedDictionary<string, Tensor>(StringComparer.Ordinal);
        using (Exclusive())
        {
            foreach (var (name, variable) in named) { values.Add(name, _store.Get(variable)); }
        }
        Checkpoint.Save(path, values, metadata);
    }

    /// <summary>
    /// Sets <paramref name="variables"/> to the values saved under their names in the checkpoint at
    /// <paramref name="path"/> (other entries are ignored) and returns the checkpoint's metadata. Every
    /// name, shape and dtype is checked before any variable changes.
    /// </summary>
    public IReadOnlyDictionary<string, string> Restore(string path, IReadOnlyList<Expr> variables)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(path);
        var named = VariableCheckpoint.Named(variables, "Session.Restore");
        var contents = Checkpoint.Read(path);
        var matched = VariableCheckpoint.Match(path, contents.Tensors, named);
        using (Exclusive())
        {
            foreach (var (variable, value) in matched) { _store.Set(variable, value); }
        }
        return contents.Metadata;
    }

    /// <summary>Forgets every assigned value: all variables go back to their initial values.</summary>
    public void ResetVariables()
    {
        using var _ = Exclusive();
        _store.Dispose();
        _store = new VariableStore(Backend);
    }

    /// <summary>
    /// Releases the compiled plans and the variables' values. A call in flight on another thread finishes
    /// first; calls after that throw <see cref="ObjectDisposedException"/>.
    /// </summary>
    public void Dispose()
    {
        _disposeRequested = true;
        lock (_gate)
        {
            if (_disposed) { return; }
            _disposed = true;
            foreach (var p in _plans.Values.Concat(_stepPlans.Values)) { p.Dispose(); }
            _plans.Clear();
            _stepPlans.Clear();
            _store.Dispose();
        }
    }

    private Plan PlanFor(IReadOnlyList<Expr> outputs, Func<Plan> compile)
    {
        var key = string.Join(",", outputs.Select(o => o.Id));
        if (!_plans.TryGetValue(key, out var plan))
        {
            _plans[key] = plan = compile();
        }
        return plan;
    }

    /// <summary>
    /// Marks the session busy for one call. A session holds mutable variable state, so two threads using it
    /// at once get a clear error instead of interleaved updates (a compiled Plan, by contrast, may be run
    /// from many threads).
    /// </summary>
    private Busy Exclusive()
    {
        if (!Monitor.TryEnter(_gate))
        {
            ObjectDisposedException.ThrowIf(_disposeRequested, this);
            throw new FuncNetException(
                "Session: used from two threads at once. A session is not thread-safe; give each thread its own session, or run a compiled Plan (which is) from many threads.");
        }
        if (_disposed)
        {
            Monitor.Exit(_gate);
            throw new ObjectDisposedException(GetType().FullName);
        }
        return new Busy(_gate);
    }

    private readonly struct Busy(object gate) : IDisposable
    {
        public void Dispose() => Monitor.Exit(gate);
    }

    private static Dictionary<Expr, Tensor> ToDictionary((Expr Node, Tensor Value)[] feeds) =>
        feeds.ToDictionary(p => p.Node, p => p.Value);

    private static Dictionary<Expr, Tensor> ToDictionary(IEnumerable<Tuple<Expr, Tensor>> feeds)
    {
        ArgumentNullException.ThrowIfNull(feeds);
        return feeds.ToDictionary(p => p.Item1, p => p.Item2);
    }

    private static void RequireVariable(Expr variable, string where)
    {
        ArgumentNullException.ThrowIfNull(variable);
        if (!variable.IsVariable)
        {
            throw new FuncNetException($"Session.{where}: expected a variable (Expr.Variable); given {variable.Op.Name} node {variable}.");
        }
    }
}
