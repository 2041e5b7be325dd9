namespace FuncNet.Compilation;

/// <summary>
/// The graph-capture state of one <see cref="Arena"/> on an <see cref="IGraphCapture"/> backend: whether
/// the arena can be captured at all (and if not, why), whether its warm-up run happened, and the recorded
/// work with the storage it was recorded against. A recording bakes in every address it touches, so it is
/// replayed only while the arena's bindings and the assignment targets are exactly those seen at capture.
/// </summary>
internal sealed class ArenaCapture : IDisposable
{
    private ICapturedWork? _work;
    private VariableStore? _store;
    private DeviceTensor[] _targets = [];

    public ArenaCapture(string? blocker, int assignments)
    {
        Blocker = blocker;
        Targets = new DeviceTensor[assignments];
    }

    /// <summary>Why this arena never replays (a host kernel, an output that is an assigned variable, a failed capture), or null.</summary>
    public string? Blocker { get; private set; }

    /// <summary>True once the arena ran eagerly in capture mode: its kernels are compiled and lazy allocations made.</summary>
    public bool WarmedUp { get; set; }

    /// <summary>Scratch for this run's assignment targets (the store's storage of each assigned variable).</summary>
    public DeviceTensor[] Targets { get; }

    /// <summary>True when the recording exists and was made against this store and these targets, with no binding changed since.</summary>
    public bool Matches(VariableStore? store, bool bindingsChanged)
    {
        if (_work is null || bindingsChanged || !ReferenceEquals(store, _store)) { return false; }
        for (var i = 0; i < Targets.Length; i++)
        {
            if (!ReferenceEquals(Targets[i], _targets[i])) { return false; }
        }
        return true;
    }

    /// <summary>Records <paramref name="launches"/> against the current targets, dropping any older recording.</summary>
    public void Record(IGraphCapture backend, Action launches, VariableStore? store)
    {
        _work?.Dispose();
        _work = null;
        _work = backend.Capture(launches);
        _store = store;
        _targets = (DeviceTensor[])Targets.Clone();
    }

    /// <summary>Replays the recording.</summary>
    public void Replay() => _work!.Replay();

    /// <summary>Stops capturing this arena for good, saying why (e.g. the backend refused the recording).</summary>
    public void Block(string reason)
    {
        Blocker = reason;
        _work?.Dispose();
        _work = null;
    }

    public void Dispose()
    {
        _work?.Dispose();
        _work = null;
    }
}
