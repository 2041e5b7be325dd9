using System.Reflection;
using System.Runtime.CompilerServices;

namespace FuncNet;

/// <summary>Where plans run when no backend is named.</summary>
public static class Backend
{
    // The assembly that registers the fast backends (MKL, OpenBLAS, managed SIMD, CUDA). Core cannot
    // reference it (the path of data points one way), so when it is deployed beside Core it is loaded by
    // this name and its module initializer registers its default through RegisterDefault, a call the
    // compiler checks. This is what lets `dotnet add package FuncNet` run fast without any user code.
    private const string BackendsAssembly = "FuncNet.Backends";

    private static readonly object Gate = new();
    private static Func<IBackend>? _registered;
    private static IBackend? _discovered;
    private static IBackend? _chosen;

    /// <summary>
    /// The backend used by <see cref="Expr.Eval()"/>, sessions and plans compiled without one. Unless set,
    /// it is the one registered with <see cref="RegisterDefault"/>: with the FuncNet.Backends assembly
    /// present, the fastest CPU backend available (native GEMMs when MKL or OpenBLAS load, else managed
    /// SIMD; the environment variable <c>FUNCNET_BACKEND</c> = reference, managed, mkl, openblas or cuda
    /// forces one); with nothing registered, the Reference backend.
    /// </summary>
    public static IBackend Default
    {
        get => Volatile.Read(ref _chosen) ?? Discovered();
        set => Volatile.Write(ref _chosen, value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>The Reference backend.</summary>
    public static IBackend Reference => ReferenceBackend.Instance;

    /// <summary>
    /// Registers how to make the default backend when none is set (the last registration wins; the
    /// factory runs once, when <see cref="Default"/> is first needed). FuncNet.Backends calls this from its
    /// module initializer; a package that brings another backend can do the same.
    /// </summary>
    public static void RegisterDefault(Func<IBackend> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        lock (Gate)
        {
            _registered = factory;
            _discovered = null;
        }
    }

    private static IBackend Discovered()
    {
        // Loaded outside the lock: the module initializer takes it (in RegisterDefault), possibly on
        // another thread that touched a FuncNet.Backends type first.
        if (Volatile.Read(ref _registered) is null) { LoadBackendsAssembly(); }
        lock (Gate)
        {
            // The factory runs under the lock, so concurrent first uses make one backend, not two.
            return _discovered ??= _registered?.Invoke() ?? ReferenceBackend.Instance;
        }
    }

    // Runs FuncNet.Backends' module initializer (which calls RegisterDefault) when that assembly is
    // deployed; without it, nothing is registered and the Reference backend is the default.
    private static void LoadBackendsAssembly()
    {
        Assembly assembly;
        try
        {
            assembly = Assembly.Load(new AssemblyName(BackendsAssembly));
        }
        catch (FileNotFoundException)
        {
            return;
        }
        RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle);
    }
}
