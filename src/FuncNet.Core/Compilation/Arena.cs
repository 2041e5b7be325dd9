namespace FuncNet.Compilation;

/// <summary>
/// One run's worth of storage and prepared kernels for a specialization: a value (buffer, view or leaf)
/// per scheduled node and, per kernel, its argument array. Arenas are reused run after run, so the steady
/// state allocates nothing; a run owns its arena exclusively, so runs on several threads do not interfere.
/// </summary>
internal sealed class Arena : IDisposable
{
    private readonly Specialization _spec;
    private readonly IBackend _backend;
    private readonly DeviceTensor[] _buffers;
    private readonly List<DeviceTensor> _views = new();

    public Arena(Specialization spec, IBackend backend, Func<Expr, DeviceTensor> resident)
    {
        _spec = spec;
        _backend = backend;
        var layout = spec.Layout;
        var n = layout.Schedule.Length;
        _buffers = new DeviceTensor[spec.BufferShapes.Length];
        Values = new DeviceTensor[n];
        Arguments = new DeviceTensor[n][];
        Kernels = new IKernel?[n];
        try
        {
            for (var b = 0; b < _buffers.Length; b++) { _buffers[b] = Allocate(b); }
            for (var k = 0; k < n; k++)
            {
                var node = layout.Schedule[k];
                var inputs = layout.InputIndices[k];
                Arguments[k] = new DeviceTensor[inputs.Length];
                for (var a = 0; a < inputs.Length; a++) { Arguments[k][a] = Values[inputs[a]]; }
                if (node.Op is ConstantOp or VariableOp)
                {
                    Values[k] = resident(node);
                }
                else if (spec.Root[k] != k)
                {
                    Values[k] = MakeView(Values[inputs[0]], spec.Shapes[k]) ?? Values[inputs[0]];
                }
                else
                {
                    Values[k] = _buffers[spec.Buffer[k]];
                    if (node.Inputs.Count > 0)
                    {
                        Kernels[k] = backend.Prepare(node, inputs.Select(i => spec.Shapes[i]).ToArray(), spec.Shapes[k], node.DType);
                    }
                }
            }
        }
        catch
        {
            // Nobody else holds this arena yet: whatever it allocated before the failure is released here or never.
            Dispose();
            throw;
        }
    }

    /// <summary>Buffer b, named in an out-of-memory error after the first node stored in it.</summary>
    private DeviceTensor Allocate(int b)
    {
        var (shape, dtype) = _spec.BufferShapes[b];
        return Allocation.Allocate(_backend, shape, dtype, _spec.Layout.Schedule[Array.IndexOf(_spec.Buffer, b)]);
    }

    private DeviceTensor? MakeView(DeviceTensor source, Shape shape)
    {
        var view = _backend.View(source, shape);
        if (view is not null) { _views.Add(view); }
        return view;
    }

    /// <summary>The specialization the arena was laid out for.</summary>
    public Specialization Specialization => _spec;

    /// <summary>The value of each scheduled node.</summary>
    public DeviceTensor[] Values { get; }

    /// <summary>The argument array handed to each kernel.</summary>
    public DeviceTensor[][] Arguments { get; }

    public IKernel?[] Kernels { get; }

    /// <summary>How many kernels a run of this arena executes.</summary>
    public int KernelCount => _kernelCount ??= Kernels.Count(k => k is not null);

    private int? _kernelCount;

    private PlanRunInfo? _eagerRunInfo;

    /// <summary>
    /// The facts of an eager run of this arena for the given fallback reason: made once per reason (the
    /// reasons are fixed strings), so a steady run reports them without allocating. Immutable, so sharing is safe.
    /// </summary>
    public PlanRunInfo EagerRunInfo(string? reason)
    {
        var info = _eagerRunInfo;
        if (info is null || !ReferenceEquals(info.GraphFallbackReason, reason))
        {
            _eagerRunInfo = info = new PlanRunInfo(KernelCount, false, reason);
        }
        return info;
    }

    /// <summary>The arena's graph-capture state on a capturing backend (created by the plan on first use).</summary>
    public ArenaCapture? Capture { get; set; }

    /// <summary>
    /// Set whenever <see cref="Bind"/> points a node at different storage; a recording made before is stale.
    /// The plan clears it when it records.
    /// </summary>
    public bool BindingsChanged { get; set; }

    /// <summary>
    /// Runs every kernel in schedule order; with <paramref name="checkNumerics"/>, checks each output for NaN
    /// and infinity after its kernel (downloading it) and throws naming the op that produced one.
    /// </summary>
    public void RunKernels(bool checkNumerics)
    {
        var schedule = _spec.Layout.Schedule;
        var profiled = KernelProfile.Active;
        for (var k = 0; k < schedule.Length; k++)
        {
            if (Kernels[k] is { } kernel)
            {
                if (profiled) { KernelProfile.Run(kernel, schedule[k], Arguments[k], Values[k]); }
                else { kernel.Run(Arguments[k], Values[k]); }
                if (checkNumerics)
                {
                    NumericsCheck.After(_backend, schedule[k], Arguments[k], Values[k]);
                }
            }
        }
    }

    /// <summary>Points a leaf (a variable whose storage differs per run) and its readers at a value.</summary>
    public void Bind(int k, DeviceTensor value)
    {
        if (ReferenceEquals(Values[k], value)) { return; }
        Values[k] = value;
        BindingsChanged = true;
        foreach (var (reader, argument) in _spec.Layout.Readers[k]) { Arguments[reader][argument] = value; }
    }

    /// <summary>
    /// Takes node k's buffer out of the arena (to become a variable's storage) and puts
    /// <paramref name="replacement"/> (same shape and dtype) in its place everywhere it was used, views included.
    /// Returns false when k has no buffer of its own to give.
    /// </summary>
    public bool TrySwap(int k, DeviceTensor replacement, out DeviceTensor taken)
    {
        taken = null!;
        var b = _spec.Buffer[k];
        if (b < 0 || _spec.Root[k] != k)
        {
            return false;
        }
        taken = _buffers[b];
        _buffers[b] = replacement;
        foreach (var i in _spec.BufferUsers[b])
        {
            if (_spec.Buffer[i] == b)
            {
                Bind(i, replacement);
            }
            else if (Values[i] is { } oldView && !ReferenceEquals(oldView, taken))
            {
                // A view of the swapped buffer must now view the replacement.
                var view = MakeView(replacement, _spec.Shapes[i]) ?? replacement;
                _views.Remove(oldView);
                oldView.Dispose();
                Bind(i, view);
            }
        }
        return true;
    }

    public void Dispose()
    {
        Capture?.Dispose();
        // Kernels that hold native resources (oneDNN primitives, their memory descriptors) release them with
        // the arena that prepared them, not at some later finalization.
        foreach (var k in Kernels) { (k as IDisposable)?.Dispose(); }
        foreach (var b in _buffers) { b?.Dispose(); }
        foreach (var v in _views) { v.Dispose(); }
        _views.Clear();
    }
}
