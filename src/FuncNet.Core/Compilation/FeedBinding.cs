namespace FuncNet.Compilation;

/// <summary>
/// The feeds of one run: checked against the plan's placeholders and variables, then bound into the run's
/// arena (placeholders copied into its buffers; variables pointed at a fed value, the store's storage, or
/// the plan's copy of their initial value).
/// </summary>
internal static class FeedBinding
{
    /// <summary>Throws when a feed is null, disposed, of the wrong shape or for a node that cannot be fed, or when a placeholder is missing.</summary>
    public static void Validate<TValue>(PlanLayout layout, IReadOnlyDictionary<Expr, TValue>? feeds) where TValue : class
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
        foreach (var k in layout.Placeholders)
        {
            var p = layout.Schedule[k];
            if (feeds is null || !feeds.ContainsKey(p))
            {
                var op = (PlaceholderOp)p.Op;
                throw new MissingFeedException(
                    $"Placeholder '{op.PlaceholderName}' (shape {op.DeclaredShape}, {op.DeclaredDType}) is needed by the outputs but was not fed; add it to the feeds.");
            }
        }
    }

    /// <summary>The shape and dtype of a fed host or backend value.</summary>
    public static (Shape Shape, DType DType) ShapeOf(object value) => value switch
    {
        Tensor t => (t.Shape, t.DType),
        DeviceTensor d => (d.Shape, d.DType),
        _ => throw new FuncNetException($"A feed must be a Tensor or a DeviceTensor; given {value.GetType().Name}."),
    };

    /// <summary>
    /// Copies the fed placeholders into <paramref name="arena"/> and binds every variable. A fed host value of
    /// a variable is uploaded for this run only: those uploads are returned for the caller to dispose after
    /// the run (null when none), and disposed here if binding fails. FedVariables says whether any variable
    /// was fed (such a run cannot replay a recording, which knows only the storage it was recorded against).
    /// </summary>
    public static (bool FedVariables, List<DeviceTensor>? Uploads) Bind<TValue>(
        IBackend backend, PlanLayout layout, Arena arena, IReadOnlyDictionary<Expr, TValue>? feeds,
        VariableStore? variables, Func<Expr, DeviceTensor> resident) where TValue : class
    {
        List<DeviceTensor>? uploads = null;
        var fedVariables = false;
        try
        {
            var schedule = layout.Schedule;
            foreach (var k in layout.Placeholders)
            {
                switch (feeds![schedule[k]])
                {
                    case Tensor host: backend.CopyIn(host, arena.Values[k]); break;
                    case DeviceTensor device: backend.Copy(device, arena.Values[k]); break;
                }
            }
            foreach (var k in layout.Variables)
            {
                var v = schedule[k];
                if (feeds is not null && feeds.TryGetValue(v, out var fed))
                {
                    fedVariables = true;
                    if (fed is Tensor host)
                    {
                        var upload = Allocation.Upload(backend, host, v);
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
                    arena.Bind(k, variables is not null ? variables.Resident(v) : resident(v));
                }
            }
            return (fedVariables, uploads);
        }
        catch
        {
            if (uploads is not null)
            {
                foreach (var u in uploads) { u.Dispose(); }
            }
            throw;
        }
    }
}
