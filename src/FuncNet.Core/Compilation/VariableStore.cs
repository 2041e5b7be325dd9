using FuncNet.Compilation;

namespace FuncNet;

/// <summary>
/// The current values of variables, kept on a backend between runs: what a session owns. Plans read
/// variables from the store and write their assignments back into it without a round trip through the
/// host, so a compiled training step updates its weights in place. Variables never set read their
/// initial value. Disposing the store releases every value it holds.
/// </summary>
public sealed class VariableStore : IDisposable
{
    private readonly Dictionary<Expr, DeviceTensor> _values = new();
    private readonly object _gate = new();
    private bool _disposed;

    /// <summary>Creates an empty store on a backend (default: <see cref="FuncNet.Backend.Default"/>).</summary>
    public VariableStore(IBackend? backend = null) => Backend = backend ?? FuncNet.Backend.Default;

    /// <summary>The backend holding the values.</summary>
    public IBackend Backend { get; }

    /// <summary>The variables that have a value here (set, assigned or read so far).</summary>
    public IReadOnlyList<Expr> Variables
    {
        get { lock (_gate) { return _values.Keys.ToArray(); } }
    }

    /// <summary>The current value of a variable, copied to the host.</summary>
    public Tensor Get(Expr variable)
    {
        lock (_gate)
        {
            return Backend.Download(Resident(variable));
        }
    }

    /// <summary>Sets a variable's value; its shape and dtype must match the variable's.</summary>
    public void Set(Expr variable, Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var v = RequireVariable(variable);
        if (value.Shape != v.InitialValue.Shape || value.DType != v.InitialValue.DType)
        {
            throw new ShapeException($"Variable '{v.VariableName}': expected a value of shape {v.InitialValue.Shape} {v.InitialValue.DType}; given {value.Shape} {value.DType}.");
        }
        Replace(variable, Allocation.Upload(Backend, value, variable));
    }

    /// <summary>The backend value of a variable, uploading its initial value on first use.</summary>
    internal DeviceTensor Resident(Expr variable)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_values.TryGetValue(variable, out var value))
            {
                _values[variable] = value = Allocation.Upload(Backend, RequireVariable(variable).InitialValue, variable);
            }
            return value;
        }
    }

    /// <summary>Installs a new backend value for a variable, releasing the old one.</summary>
    internal void Replace(Expr variable, DeviceTensor value)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_values.TryGetValue(variable, out var old))
            {
                old.Dispose();
            }
            _values[variable] = value;
        }
    }

    /// <summary>Installs a new backend value for a variable and gives up the old one without releasing it (the caller now owns it).</summary>
    internal void Exchange(Expr variable, DeviceTensor value)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _values[variable] = value;
        }
    }

    private static VariableOp RequireVariable(Expr variable) =>
        (variable ?? throw new ArgumentNullException(nameof(variable))).Op as VariableOp
        ?? throw new FuncNetException($"VariableStore: expected a variable; given {variable.Op.Name} node {variable}.");

    /// <summary>Releases every value.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) { return; }
            _disposed = true;
            foreach (var v in _values.Values) { v.Dispose(); }
            _values.Clear();
        }
    }
}
