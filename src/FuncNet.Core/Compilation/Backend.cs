namespace FuncNet;

/// <summary>Where plans run when no backend is named.</summary>
public static class Backend
{
    private static IBackend? _default;

    /// <summary>The backend used by <see cref="Expr.Eval()"/>, sessions and plans compiled without one. Settable.</summary>
    public static IBackend Default
    {
        get => _default ?? ReferenceBackend.Instance;
        set => _default = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>The Reference backend.</summary>
    public static IBackend Reference => ReferenceBackend.Instance;
}
