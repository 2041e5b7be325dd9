namespace FuncNet.Backends.Cuda;

/// <summary>
/// A captured, instantiated CUDA graph: a fixed sequence of kernel launches and device copies on fixed
/// device addresses, replayed with one <see cref="Launch"/> (one driver call instead of one per kernel,
/// which is what dominates small training steps on a GPU). Create one with
/// <see cref="CudaBackend.Capture(Action)"/>; inputs change between replays by copying new values into the
/// same tensors (<see cref="IBackend.CopyIn"/>), never by binding other tensors. As an
/// <see cref="ICapturedWork"/>, <see cref="ICapturedWork.Replay"/> is <see cref="Launch"/>.
/// </summary>
public sealed unsafe class CudaGraph : ICapturedWork
{
    private readonly CudaBackend _backend;
    private nint _graph, _exec;

    internal CudaGraph(CudaBackend backend, nint graph, nint exec)
    {
        _backend = backend;
        _graph = graph;
        _exec = exec;
    }

    /// <summary>How many times the graph was launched.</summary>
    public long Launches { get; private set; }

    /// <summary>Enqueues one replay on the backend's stream (asynchronous: a download waits for it).</summary>
    public void Launch()
    {
        ObjectDisposedException.ThrowIf(_exec == 0, this);
        using (_backend.EnterStream())
        {
            _backend.Driver.Check(_backend.Driver.cuGraphLaunch(_exec, _backend.Stream), "cuGraphLaunch");
        }
        Launches++;
    }

    /// <inheritdoc />
    void ICapturedWork.Replay() => Launch();

    /// <summary>Destroys the executable graph and the graph; after the backend is disposed it only drops the handles (their context may be gone).</summary>
    public void Dispose()
    {
        if (_exec != 0 && _backend.IsDisposed)
        {
            _exec = _graph = 0;
        }
        if (_exec != 0)
        {
            _backend.EnsureCurrent();
            _backend.Driver.cuGraphExecDestroy(_exec);
            _backend.Driver.cuGraphDestroy(_graph);
            _exec = _graph = 0;
        }
    }
}
