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
    private List<Action>? _recording;

    /// <summary>Ops whose kernels claim they cannot be recorded (as a host fallback kernel would).</summary>
    public HashSet<string> HostOps { get; } = new(StringComparer.Ordinal);

    /// <summary>When set, the next <see cref="Capture"/> fails like a refused CUDA capture.</summary>
    public bool FailNextCapture { get; set; }

    public int Captures { get; private set; }

    public int Replays { get; private set; }

    /// <summary>Kernel runs executed immediately (not recorded, not replayed).</summary>
    public int EagerKernelRuns { get; private set; }

    /// <summary>Recordings not yet disposed.</summary>
    public int LiveRecordings { get; private set; }

    public string Name => "recording";

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
        if (_recording is not null) { throw new InvalidOperationException("Nested capture."); }
        _recording = [];
        try
        {
            launches();
            if (FailNextCapture)
            {
                FailNextCapture = false;
                throw new FuncNetException("The recording backend refused this capture (test).");
            }
            Captures++;
            LiveRecordings++;
            return new Recording(this, _recording);
        }
        finally
        {
            _recording = null;
        }
    }

    public void Dispose() { }

    private void NotRecording(string call)
    {
        if (_recording is not null)
        {
            throw new FuncNetException($"{call} synchronizes and cannot be recorded.");
        }
    }

    /// <summary>Runs the work now, or records it with the tensors it touches.</summary>
    private void Enqueue(DeviceTensor[] touched, Action work)
    {
        if (_recording is null)
        {
            work();
            return;
        }
        _recording.Add(() =>
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
            if (backend._recording is null) { backend.EagerKernelRuns++; }
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
            backend.Replays++;
            foreach (var w in work) { w(); }
        }

        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                backend.LiveRecordings--;
            }
        }
    }
}
