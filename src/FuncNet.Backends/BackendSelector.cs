namespace FuncNet.Backends;

/// <summary>
/// Picks a backend by name: <c>reference</c>, <c>managed</c>, <c>mkl</c>, <c>cuda</c>, or <c>auto</c> (null):
/// the fastest CPU backend available. The environment variable <c>FUNCNET_BACKEND</c> overrides <c>auto</c>
/// (so <c>FUNCNET_BACKEND=cuda</c> is the only way <c>auto</c> reaches the GPU: a GPU is used only when asked).
/// </summary>
public static class BackendSelector
{
    /// <summary>The names <see cref="Resolve"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["auto", "reference", "managed", "mkl", "openblas", "cuda"];

    private static readonly Lazy<IBackend> Managed = new(Cpu.CpuBackend.CreateManaged);
    private static readonly Lazy<IBackend> Mkl = new(Cpu.CpuBackend.CreateMkl);
    private static readonly Lazy<IBackend> OpenBlas = new(Cpu.CpuBackend.CreateOpenBlas);
    private static readonly Lazy<IBackend> FastestCpu = new(() => Cpu.CpuBackend.CreateFastestNative() ?? Managed.Value);
    private static readonly Lazy<IBackend> Cuda = new(() => FuncNet.Backends.Cuda.CudaBackend.Create());

    /// <summary>
    /// The fastest backend available here: native GEMMs (MKL and OpenBLAS, measured per shape) when one
    /// loads, else managed; <c>FUNCNET_BACKEND</c> overrides.
    /// </summary>
    public static IBackend Auto() => Resolve(null);

    /// <summary>
    /// The backend with that name (case-insensitive), or for null the one <c>FUNCNET_BACKEND</c> names; throws a
    /// <see cref="FuncNetException"/> listing the valid names otherwise (naming the variable when the name came from it).
    /// </summary>
    public static IBackend Resolve(string? name)
    {
        var variable = string.IsNullOrWhiteSpace(name) ? Environment.GetEnvironmentVariable("FUNCNET_BACKEND") : null;
        var fromEnvironment = string.IsNullOrWhiteSpace(variable) ? null : variable;
        var n = string.IsNullOrWhiteSpace(name) ? fromEnvironment ?? "auto" : name;
        return n.Trim().ToLowerInvariant() switch
        {
            "auto" => FastestCpu.Value,
            "reference" => ReferenceBackend.Instance,
            "managed" => Managed.Value,
            "mkl" => Mkl.Value,
            "openblas" => OpenBlas.Value,
            "cuda" => Cuda.Value,
            _ when fromEnvironment is not null => throw new FuncNetException(
                $"Unknown backend '{n}' in the environment variable FUNCNET_BACKEND; expected one of: {string.Join(", ", Names)} (or unset it for auto)."),
            _ => throw new FuncNetException($"Unknown backend '{n}'; expected one of: {string.Join(", ", Names)}."),
        };
    }
}
