namespace FuncNet;

/// <summary>
/// Runs expressions the TensorFlow 1.x way: a session holds the current value of every variable it has
/// seen (starting from the variable's initial value) and feeds those values to each run. Plans are compiled
/// once per distinct fetch list and cached. Training steps (<see cref="TrainingStep"/>) update the values
/// held here; the expressions themselves never change. Dispose the session to release its compiled plans.
/// </summary>
public sealed class Session : IDisposable
{
    private readonly Dictionary<Expr, Tensor> _values = new();
    private readonly Dictionary<string, Plan> _plans = new();
    private bool _disposed;

    /// <summary>A session on <see cref="FuncNet.Backend.Default"/>.</summary>
    public Session() : this(null) { }

    /// <summary>A session on the given backend (null: <see cref="FuncNet.Backend.Default"/>).</summary>
    public Session(IBackend? backend)
    {
        Backend = backend ?? FuncNet.Backend.Default;
    }

    /// <summary>The backend every plan of this session runs on.</summary>
    public IBackend Backend { get; }

    /// <summary>How many distinct plans the session has compiled (one per distinct fetch list).</summary>
    public int CompiledPlanCount => _plans.Count;

    /// <summary>Evaluates one expression with no feeds.</summary>
    public Tensor Run(Expr fetch) => Run([fetch], (IReadOnlyDictionary<Expr, Tensor>?)null)[0];

    /// <summary>Evaluates one expression with the given feeds (placeholder → value). Unused feeds are allowed.</summary>
    public Tensor Run(Expr fetch, IReadOnlyDictionary<Expr, Tensor>? feeds) => Run([fetch], feeds)[0];

    /// <summary>Evaluates one expression with feeds given as pairs: <c>session.Run(y, (x, value))</c>.</summary>
    public Tensor Run(Expr fetch, params (Expr Node, Tensor Value)[] feeds) => Run([fetch], ToDictionary(feeds))[0];

    /// <summary>Evaluates several expressions together (shared nodes computed once) with the given feeds.</summary>
    public Tensor[] Run(IReadOnlyList<Expr> fetches, IReadOnlyDictionary<Expr, Tensor>? feeds)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(fetches);
        if (fetches.Count == 0) { return []; }
        var plan = PlanFor(fetches, () => Plan.Compile(fetches, Backend));
        return plan.Run(WithVariables(plan, feeds));
    }

    /// <summary>Evaluates several expressions with feeds given as pairs.</summary>
    public Tensor[] Run(IReadOnlyList<Expr> fetches, params (Expr Node, Tensor Value)[] feeds) => Run(fetches, ToDictionary(feeds));

    /// <summary>
    /// Executes one training step: a forward pass on <paramref name="feeds"/> computing the loss and the new
    /// value of every variable the step updates, then assigns all of them at once. Returns the loss before
    /// the update.
    /// </summary>
    public Tensor Run(TrainingStep step, IReadOnlyDictionary<Expr, Tensor>? feeds)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(step);
        var plan = PlanFor(step.Outputs, () => step.Build(Backend));
        var results = plan.Run(WithVariables(plan, feeds));
        // All new values were computed from the old ones; only now do they replace them (simultaneous update).
        for (var i = 0; i < step.Assignments.Count; i++)
        {
            _values[step.Assignments[i].Variable] = results[i + 1];
        }
        return results[0];
    }

    /// <summary>Executes one training step with feeds given as pairs; returns the loss before the update.</summary>
    public Tensor Run(TrainingStep step, params (Expr Node, Tensor Value)[] feeds) => Run(step, ToDictionary(feeds));

    /// <summary>The current value of a variable (its initial value until a step or <see cref="Assign"/> changes it).</summary>
    public Tensor GetValue(Expr variable)
    {
        RequireVariable(variable, nameof(GetValue));
        return _values.TryGetValue(variable, out var v) ? v : variable.InitialValue;
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
        _values[variable] = value;
    }

    /// <summary>Forgets every assigned value: all variables go back to their initial values.</summary>
    public void ResetVariables() => _values.Clear();

    /// <summary>Releases the compiled plans.</summary>
    public void Dispose()
    {
        if (_disposed) { return; }
        _disposed = true;
        foreach (var p in _plans.Values) { p.Dispose(); }
        _plans.Clear();
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

    /// <summary>The caller's feeds plus the session's current value of every variable the plan reads (a fed variable wins).</summary>
    private Dictionary<Expr, Tensor> WithVariables(Plan plan, IReadOnlyDictionary<Expr, Tensor>? feeds)
    {
        var all = new Dictionary<Expr, Tensor>((feeds?.Count ?? 0) + plan.Variables.Count);
        if (feeds is not null)
        {
            foreach (var (node, value) in feeds) { all[node] = value; }
        }
        foreach (var v in plan.Variables)
        {
            if (!all.ContainsKey(v) && _values.TryGetValue(v, out var current))
            {
                all[v] = current;
            }
        }
        return all;
    }

    private static Dictionary<Expr, Tensor> ToDictionary((Expr Node, Tensor Value)[] feeds) =>
        feeds.ToDictionary(p => p.Node, p => p.Value);

    private static void RequireVariable(Expr variable, string where)
    {
        ArgumentNullException.ThrowIfNull(variable);
        if (!variable.IsVariable)
        {
            throw new FuncNetException($"Session.{where}: expected a variable (Expr.Variable); given {variable.Op.Name} node {variable}.");
        }
    }
}
