namespace FuncNet;

/// <summary>
/// A compiled computation: the outputs rewritten to a fixpoint, scheduled once in topological order (each
/// node computed once per run, however many users it has), and specialized to the shapes of the fed
/// values (cached per distinct set of shapes). Values no later step needs are released as soon as their
/// last user has run. A plan owns the backend copies of its constants and is <see cref="IDisposable"/>.
/// Running one plan from several threads at once is safe: each run keeps its values to itself.
/// </summary>
public sealed class Plan : IDisposable
{
    private readonly Expr[] _outputs;
    private readonly Expr[] _schedule;
    private readonly Dictionary<Expr, int> _index;
    private readonly int[][] _inputIndices;
    private readonly int[] _uses;
    private readonly Dictionary<string, Shape[]> _shapes = new();
    private readonly Dictionary<Expr, DeviceTensor> _resident = new();
    private readonly object _gate = new();
    private bool _disposed;

    private readonly Expr[] _assigned;

    private Plan(IReadOnlyList<Expr> outputs, IReadOnlyList<KeyValuePair<Expr, Expr>> assignments, IBackend backend, bool simplify)
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
        AssignmentCount = _assigned.Length;
        // Assigned values are computed like outputs (after them), then written into the variable store.
        outputs = [.. outputs, .. assignments.Select(a => a.Value)];
        _outputs = simplify ? Simplifier.Simplify(outputs) : outputs.ToArray();
        // The Reference backend is the oracle: it runs the graph op by op, as written. Every other backend
        // runs fused elementwise groups as single kernels.
        if (simplify && backend is not ReferenceBackend)
        {
            _outputs = Fusion.Fuse(_outputs);
        }
        _schedule = GraphWalk.Topological(_outputs).ToArray();
        _index = new Dictionary<Expr, int>(_schedule.Length);
        for (var i = 0; i < _schedule.Length; i++) { _index[_schedule[i]] = i; }
        _inputIndices = _schedule.Select(n => n.Inputs.Select(i => _index[i]).ToArray()).ToArray();
        _uses = new int[_schedule.Length];
        foreach (var inputs in _inputIndices)
        {
            foreach (var i in inputs) { _uses[i]++; }
        }
        foreach (var o in _outputs) { _uses[_index[o]]++; }
        Placeholders = _schedule.Where(n => n.IsPlaceholder).ToArray();
        Variables = _schedule.Where(n => n.IsVariable).ToArray();
    }

    /// <summary>Compiles outputs for a backend (default: <see cref="FuncNet.Backend.Default"/>), rewriting them first.</summary>
    public static Plan Compile(IReadOnlyList<Expr> outputs, IBackend? backend = null)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        return new Plan(outputs, [], backend ?? FuncNet.Backend.Default, simplify: true);
    }

    /// <summary>
    /// Compiles outputs together with assignments (variable → new value, all computed from the values
    /// before the run: a simultaneous update). Running it against a <see cref="VariableStore"/> updates
    /// the variables in place on the backend: a whole training step in one plan.
    /// </summary>
    public static Plan Compile(IReadOnlyList<Expr> outputs, IReadOnlyList<KeyValuePair<Expr, Expr>> assignments, IBackend? backend = null)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(assignments);
        return new Plan(outputs, assignments, backend ?? FuncNet.Backend.Default, simplify: true);
    }

    /// <summary>Compiles outputs for the default backend.</summary>
    public static Plan Compile(params Expr[] outputs) => Compile((IReadOnlyList<Expr>)outputs);

    /// <summary>Compiles outputs exactly as given, without rewriting (for tests of the rewrites themselves).</summary>
    internal static Plan CompileUnrewritten(IReadOnlyList<Expr> outputs, IBackend? backend = null) =>
        new(outputs, [], backend ?? FuncNet.Backend.Default, simplify: false);

    /// <summary>The backend the plan runs on.</summary>
    public IBackend Backend { get; }

    /// <summary>The outputs as the caller gave them.</summary>
    public IReadOnlyList<Expr> SourceOutputs { get; }

    /// <summary>The outputs after rewriting, then the assigned values: what actually runs.</summary>
    public IReadOnlyList<Expr> Outputs => _outputs;

    /// <summary>How many variable assignments the plan makes per run.</summary>
    public int AssignmentCount { get; }

    /// <summary>The placeholders the outputs depend on: each must be fed.</summary>
    public IReadOnlyList<Expr> Placeholders { get; }

    /// <summary>The variables the outputs depend on: fed by a session, otherwise their initial values.</summary>
    public IReadOnlyList<Expr> Variables { get; }

    /// <summary>The number of scheduled nodes (leaves included).</summary>
    public int NodeCount => _schedule.Length;

    /// <summary>How many kernels (non-leaf nodes) the most recent run executed: each node once.</summary>
    public int LastRunKernelCount { get; private set; }

    /// <summary>
    /// Runs the plan on the given feeds (placeholders, and optionally variables, to values); variables not
    /// fed take their initial values, and assignments are discarded. Returns the outputs.
    /// </summary>
    public Tensor[] Run(IReadOnlyDictionary<Expr, Tensor>? feeds) => Run(feeds, null);

    /// <summary>
    /// Runs the plan reading variables from <paramref name="variables"/> (which must live on this plan's
    /// backend) and writing the assignments back into it after every output is computed. Returns the
    /// outputs (not the assigned values).
    /// </summary>
    public Tensor[] Run(IReadOnlyDictionary<Expr, Tensor>? feeds, VariableStore? variables)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (variables is not null && variables.Backend != Backend)
        {
            throw new FuncNetException($"Plan.Run: the variable store lives on backend '{variables.Backend.Name}' but the plan runs on '{Backend.Name}'.");
        }
        feeds ??= new Dictionary<Expr, Tensor>();
        ValidateFeeds(feeds);
        var shapes = Specialize(feeds);
        var values = new DeviceTensor?[_schedule.Length];
        var remaining = (int[])_uses.Clone();
        var owned = new bool[_schedule.Length];
        // A view shares its source's storage: uses of the view count against the source ("root").
        var root = new int[_schedule.Length];
        var kernels = 0;
        try
        {
            for (var k = 0; k < _schedule.Length; k++)
            {
                root[k] = k;
                var node = _schedule[k];
                if (feeds.TryGetValue(node, out var fed))
                {
                    values[k] = Backend.Upload(fed);
                    owned[k] = true;
                    continue;
                }
                if (node.Op is VariableOp && variables is not null)
                {
                    values[k] = variables.Resident(node);
                    continue;
                }
                if (node.Op is ConstantOp or VariableOp)
                {
                    values[k] = Resident(node);
                    continue;
                }
                var inputIndices = _inputIndices[k];
                if (IsView(node, shapes, k) && Backend.View(values[inputIndices[0]]!, shapes[k]) is { } view)
                {
                    var source = root[inputIndices[0]];
                    values[k] = view;
                    owned[k] = true;
                    root[k] = source;
                    remaining[source] += remaining[k] - 1;
                    continue;
                }
                var inputs = new DeviceTensor[inputIndices.Length];
                for (var i = 0; i < inputs.Length; i++) { inputs[i] = values[inputIndices[i]]!; }
                values[k] = Backend.Execute(node, inputs, shapes[k], node.DType);
                owned[k] = true;
                kernels++;
                foreach (var i in inputIndices)
                {
                    // Release storage as soon as its last reader (through any view) has run.
                    var r = root[i];
                    if (--remaining[r] == 0 && owned[r])
                    {
                        values[r]!.Dispose();
                    }
                }
            }
            LastRunKernelCount = kernels;
            var results = new Tensor[_outputs.Length - _assigned.Length];
            for (var i = 0; i < results.Length; i++) { results[i] = Backend.Download(values[_index[_outputs[i]]]!); }
            if (variables is not null)
            {
                Assign(variables, values, owned, root);
            }
            return results;
        }
        finally
        {
            for (var k = 0; k < values.Length; k++)
            {
                if (owned[k]) { values[k]?.Dispose(); }
            }
        }
    }

    /// <summary>
    /// Moves each assigned value into the store. A value the run owns outright is handed over without a
    /// copy; anything else (a view, a resident constant, a value assigned twice) is copied first.
    /// </summary>
    private void Assign(VariableStore variables, DeviceTensor?[] values, bool[] owned, int[] root)
    {
        var handedOver = new HashSet<int>();
        for (var a = 0; a < _assigned.Length; a++)
        {
            var k = _index[_outputs[_outputs.Length - _assigned.Length + a]];
            DeviceTensor value;
            if (owned[k] && root[k] == k && handedOver.Add(k) && !IsReadAfter(k, values, root))
            {
                value = values[k]!;
                owned[k] = false;
            }
            else
            {
                value = Backend.Upload(Backend.Download(values[k]!));
            }
            variables.Replace(_assigned[a], value);
        }
    }

    /// <summary>True when another view still shares the storage of value k (it must then not be handed over).</summary>
    private static bool IsReadAfter(int k, DeviceTensor?[] values, int[] root)
    {
        for (var i = 0; i < root.Length; i++)
        {
            if (i != k && root[i] == k && values[i] is not null) { return true; }
        }
        return false;
    }

    /// <summary>True when the node only relabels its input's elements with another shape: a reshape, or a broadcast or sum to the same shape.</summary>
    private bool IsView(Expr node, Shape[] shapes, int k)
    {
        var input = _inputIndices[k][0];
        return node.Op switch
        {
            ReshapeOp or ExpandDimsOp => true,
            BroadcastLikeOp or SumToOp or BroadcastToOp => shapes[input] == shapes[k],
            _ => false,
        } && node.DType == _schedule[input].DType;
    }

    /// <summary>Runs the plan with feeds given as pairs (F# lists of tuples welcome).</summary>
    public Tensor[] Run(IEnumerable<(Expr Node, Tensor Value)> feeds) => Run(feeds.ToDictionary(p => p.Node, p => p.Value));

    private void ValidateFeeds(IReadOnlyDictionary<Expr, Tensor> feeds)
    {
        foreach (var (node, value) in feeds)
        {
            ArgumentNullException.ThrowIfNull(value, $"feed for {node}");
            switch (node.Op)
            {
                case PlaceholderOp p:
                    p.Validate(value);
                    break;
                case VariableOp v:
                    if (value.Shape != v.InitialValue.Shape || value.DType != v.InitialValue.DType)
                    {
                        throw new ShapeException($"Value for variable '{v.VariableName}': expected shape {v.InitialValue.Shape} {v.InitialValue.DType}; given {value.Shape} {value.DType}.");
                    }
                    break;
                default:
                    throw new FuncNetException($"Only placeholders and variables can be fed; given a value for {node.Op.Name} node {node}.");
            }
        }
        foreach (var p in Placeholders)
        {
            if (!feeds.ContainsKey(p))
            {
                var op = (PlaceholderOp)p.Op;
                throw new MissingFeedException(
                    $"Placeholder '{op.PlaceholderName}' (shape {op.DeclaredShape}, {op.DeclaredDType}) is needed by the outputs but was not fed; add it to the feeds.");
            }
        }
    }

    /// <summary>Concrete shapes for every scheduled node given the fed shapes, computed once per distinct set.</summary>
    private Shape[] Specialize(IReadOnlyDictionary<Expr, Tensor> feeds)
    {
        var key = string.Join(";", Placeholders.Select(p => feeds[p].Shape.ToString()));
        lock (_gate)
        {
            if (_shapes.TryGetValue(key, out var cached))
            {
                return cached;
            }
        }
        var shapes = new Shape[_schedule.Length];
        for (var k = 0; k < _schedule.Length; k++)
        {
            var node = _schedule[k];
            if (node.Shape.IsFullyKnown)
            {
                shapes[k] = node.Shape;
            }
            else if (node.IsPlaceholder)
            {
                shapes[k] = feeds[node].Shape;
            }
            else
            {
                var inputShapes = _inputIndices[k].Select(i => shapes[i]).ToArray();
                var dtypes = node.Inputs.Select(i => i.DType).ToArray();
                shapes[k] = node.Op.Infer(inputShapes, dtypes).Shape;
            }
        }
        lock (_gate)
        {
            _shapes[key] = shapes;
        }
        return shapes;
    }

    /// <summary>The plan-owned backend copy of a constant or a variable's initial value, uploaded once.</summary>
    private DeviceTensor Resident(Expr node)
    {
        lock (_gate)
        {
            if (!_resident.TryGetValue(node, out var value))
            {
                var host = node.Op is ConstantOp c ? c.Value : ((VariableOp)node.Op).InitialValue;
                _resident[node] = value = Backend.Upload(host);
            }
            return value;
        }
    }

    /// <summary>Releases the plan's backend copies of constants.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) { return; }
            _disposed = true;
            foreach (var v in _resident.Values) { v.Dispose(); }
            _resident.Clear();
        }
    }
}
