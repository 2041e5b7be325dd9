using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using FuncNet.Backends.Cuda.Native;

namespace FuncNet.Backends.Cuda;

/// <summary>
/// Compiles generated kernels to PTX with NVRTC for one virtual architecture (<c>compute_XY</c>), caching the
/// PTX by a hash of the source, the architecture and NVRTC's version: in memory for the process and on
/// disk (<see cref="DefaultCacheDirectory"/>, relocated by <c>FUNCNET_CUDA_CACHE</c>) across processes, so a
/// second run of a program compiles nothing. Disk errors only cost a recompile.
/// </summary>
internal sealed class CudaCompiler
{
    private readonly Nvrtc _nvrtc;
    private readonly string? _cacheDirectory;
    private readonly ConcurrentDictionary<string, string> _memory = new();

    /// <summary>Creates a compiler for <paramref name="architecture"/> (e.g. 80); a null directory disables the disk cache.</summary>
    public CudaCompiler(Nvrtc nvrtc, int architecture, string? cacheDirectory)
    {
        _nvrtc = nvrtc;
        Architecture = architecture;
        _cacheDirectory = cacheDirectory;
    }

    /// <summary>The virtual architecture compiled for, e.g. 80 for compute_80.</summary>
    public int Architecture { get; }

    /// <summary>How many kernels NVRTC compiled (cache misses): tests and benchmarks read it.</summary>
    public int Compilations { get; private set; }

    /// <summary>~/.cache/funcnet/cuda, under XDG_CACHE_HOME when set; FUNCNET_CUDA_CACHE overrides it.</summary>
    public static string DefaultCacheDirectory()
    {
        if (Environment.GetEnvironmentVariable("FUNCNET_CUDA_CACHE") is { Length: > 0 } explicitDir) { return explicitDir; }
        var root = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "funcnet", "cuda");
    }

    /// <summary>NVRTC's options for an architecture: no fast-math, so results match the Reference backend's formulas.</summary>
    public static IReadOnlyList<string> Options(int architecture) => [$"--gpu-architecture=compute_{architecture}", "--std=c++14"];

    /// <summary>The highest architecture NVRTC supports that does not exceed the device's (PTX runs on newer devices).</summary>
    public static int ChooseArchitecture(int deviceArchitecture, IReadOnlyList<int> supported)
    {
        if (supported.Count == 0) { return deviceArchitecture; }
        var fitting = supported.Where(a => a <= deviceArchitecture).ToArray();
        return fitting.Length > 0 ? fitting.Max() : supported.Min();
    }

    /// <summary>The structural hash that names a kernel's PTX in the caches.</summary>
    public string Hash(string source)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes($"{source}\n{string.Join(' ', Options(Architecture))}\nnvrtc {_nvrtc.Version}"));
        return Convert.ToHexStringLower(bytes.AsSpan(0, 16));
    }

    /// <summary>The PTX of a kernel body (the prelude is added here).</summary>
    public string Compile(string body)
    {
        var source = CudaCodeGenerator.TranslationUnit([body]);
        var hash = Hash(source);
        return _memory.GetOrAdd(hash, _ => FromDisk(hash) ?? CompileAndStore(source, hash));
    }

    private string CompileAndStore(string source, string hash)
    {
        var ptx = _nvrtc.CompileToPtx(source, $"funcnet_{hash}.cu", Options(Architecture));
        Compilations++;
        if (_cacheDirectory is not null)
        {
            try
            {
                Directory.CreateDirectory(_cacheDirectory);
                // Written aside and moved, so a concurrent process never reads half a file.
                var temp = Path.Combine(_cacheDirectory, $"{hash}.{Environment.ProcessId}.tmp");
                File.WriteAllText(temp, ptx);
                File.Move(temp, Path.Combine(_cacheDirectory, hash + ".ptx"), overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The cache is an optimization: an unwritable folder only means compiling again next time.
            }
        }
        return ptx;
    }

    private string? FromDisk(string hash)
    {
        if (_cacheDirectory is null) { return null; }
        try
        {
            var path = Path.Combine(_cacheDirectory, hash + ".ptx");
            return File.Exists(path) ? File.ReadAllText(path) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
