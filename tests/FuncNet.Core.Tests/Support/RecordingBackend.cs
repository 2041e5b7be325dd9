namespace FuncNet.Tests.Support;

/// <summary>
/// A stand-in for a GPU backend with graph capture, on host memory: while recording, kernel runs and
/// device copies are appended to the recording with the tensors they were given at that moment (as a
/// CUDA graph bakes in addresses) instead of running; a replay runs them again on those same tensors
/// and fails if any of them was released since (a stale recording). Synchronizing calls (copies from or
/// to the host) fail during a recording, as they do in CUDA stream capture.
/// </summary>
internal sealed class RecordingBackend : IBackend, IGraphCapture
{
    private readonly ReferenceBackend _storage = new();
    // Per thread, as a CUDA capture belongs to the capturing stream: plans run from several threads at once
    // (PlanRunInfoTests) must not record each other's kernels.
    private readonly ThreadLocal<List<Action>?> _recordings = new();
    private int _captures;
    private int _replays;
    private int _eagerKernelRuns;
    private int _liveRecordings;

    /// <summary>Ops whose kernels claim they cannot be recorded (as a host fallback kernel would).</summary>
    public HashSet<string> HostOps { get; } = new(StringComparer.Ordinal);

    /// <summary>When set, the next <see cref="Capture"/> fails like a refused CUDA capture.</summary>
    public bool FailNextCapture { get; set; }

    public int Captures => Volatile.Read(ref _captures);

    public int Replays => Volatile.Read(ref _replays);

    /// <summary>Kernel runs executed immediately (not recorded, not replayed).</summary>
    public int EagerKernelRuns => Volatile.Read(ref _eagerKernelRuns);

    /// <summary>Recordings not yet disposed.</summary>
    public int LiveRecordings => Volatile.Read(ref _liveRecordings);

    private List<Action>? CurrentRecording
    {
        get => _recordings.Value;
        set => _recordings.Value = value;
    }

    public string Name => "recording";

    public bool FusesElementwise => true;

    public long LiveTensors => _storage.LiveTensors;

    public DeviceTensor Allocate(Shape shape, DType dtype) => _storage.Allocate(shape, dtype);

    public void CopyIn(Tensor source, DeviceTensor target)
    {
        NotRecording("CopyIn");
        _storage.CopyIn(source, target);
    }

    public Tensor Download(DeviceTensor value)
    {
        NotRecording("Download");
        return _storage.Download(value);
    }

    public void Copy(DeviceTensor source, DeviceTensor target) => Enqueue([source, target], () => _storage.Copy(source, target));

    public DeviceTensor? View(DeviceTensor value, Shape shape) => _storage.View(value, shape);

    public IKernel Prepare(Expr node, IReadOnlyList<Shape> inputShapes, Shape shape, DType dtype) =>
        new Kernel(this, node.Op.Name, _storage.Prepare(node, inputShapes, shape, dtype));

    public bool CanCapture(IKernel kernel) => kernel is Kernel k && !HostOps.Contains(k.OpName);

    public ICapturedWork Capture(Action launches)
    {
        if (CurrentRecording is not null) { throw new InvalidOperationException("Nested capture."); }
        var recording = new List<Action>();
        CurrentRecording = recording;
        try
        {
            launches();
            if (FailNextCapture)
            {
                FailNextCapture = false;
                throw new FuncNetException("The recording backend refused this capture (test).");
            }
            Interlocked.Increment(ref _captures);
            Interlocked.Increment(ref _liveRecordings);
            return new Recording(this, recording);
        }
        finally
        {
            CurrentRecording = null;
        }
    }

    public void Dispose() { }

    private void NotRecording(string call)
    {
        if (CurrentRecording is not null)
        {
            throw new FuncNetException($"{call} synchronizes and cannot be recorded.");
        }
    }

    /// <summary>Runs the work now, or records it with the tensors it touches.</summary>
    private void Enqueue(DeviceTensor[] touched, Action work)
    {
        if (CurrentRecording is not { } recording)
        {
            work();
            return;
        }
        recording.Add(() =>
        {
            if (touched.FirstOrDefault(t => t.IsDisposed) is { } dead)
            {
                throw new InvalidOperationException($"Replay touches a released {dead.Shape} tensor: the recording is stale.");
            }
            work();
        });
    }

    private sealed class Kernel(RecordingBackend backend, string opName, IKernel inner) : IKernel
    {
        public string OpName => opName;

        public void Run(DeviceTensor[] inputs, DeviceTensor output)
        {
            if (backend.CurrentRecording is null) { Interlocked.Increment(ref backend._eagerKernelRuns); }
            // Snapshot the arguments: a later Bind rewrites the plan's argument arrays, not the recording.
            var args = inputs.ToArray();
            backend.Enqueue([.. args, output], () => inner.Run(args, output));
        }
    }

    private sealed class Recording(RecordingBackend backend, List<Action> work) : ICapturedWork
    {
        private bool _disposed;

        public void Replay()
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Interlocked.Increment(ref backend._replays);
            foreach (var w in work) { w(); }
        }

        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                Interlocked.Decrement(ref backend._liveRecordings);
            }
        }
    }
}
