using System.Reflection;

namespace FuncNet;

/// <summary>Where plans run when no backend is named.</summary>
public static class Backend
{
    private static readonly Lazy<IBackend> Discovered = new(Discover);
    private static IBackend? _chosen;

    /// <summary>
    /// The backend used by <see cref="Expr.Eval()"/>, sessions and plans compiled without one. Unless set,
    /// it is the fastest available: when the FuncNet.Backends assembly is present, MKL if it loads, else
    /// the managed SIMD backend (the environment variable <c>FUNCNET_BACKEND</c> = reference, managed or mkl
    /// forces one); without that assembly, the Reference backend.
    /// </summary>
    public static IBackend Default
    {
        get => _chosen ?? Discovered.Value;
        set => _chosen = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>The Reference backend.</summary>
    public static IBackend Reference => ReferenceBackend.Instance;

    // Core knows no backend but its own (the path of data points one way), so the native backends are found
    // by name when their assembly is deployed beside this one.
    private static IBackend Discover()
    {
        try
        {
            var selector = Type.GetType("FuncNet.Backends.BackendSelector, FuncNet.Backends", throwOnError: false);
            if (selector?.GetMethod("Auto", BindingFlags.Public | BindingFlags.Static)?.Invoke(null, null) is IBackend found)
            {
                return found;
            }
        }
        catch (TargetInvocationException e) when (e.InnerException is FuncNetException inner)
        {
            throw inner;
        }
        return ReferenceBackend.Instance;
    }
}
