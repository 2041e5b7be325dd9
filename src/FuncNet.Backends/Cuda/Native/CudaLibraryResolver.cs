using System.Runtime.InteropServices;

namespace FuncNet.Backends.Cuda.Native;

/// <summary>One native library of the CUDA stack and the file names it goes by, newest first.</summary>
/// <param name="Description">What it is, for messages, e.g. <c>NVRTC (the CUDA runtime compiler)</c>.</param>
/// <param name="FileNames">File names to try, newest version first, unversioned last.</param>
/// <param name="Hint">How to install it, for the message when nothing loads.</param>
internal sealed record CudaLibrarySpec(string Description, IReadOnlyList<string> FileNames, string Hint)
{
    /// <summary>The driver API (installed with the NVIDIA driver, never with the toolkit alone).</summary>
    public static CudaLibrarySpec Driver { get; } = new(
        "the CUDA driver API",
        OperatingSystem.IsWindows() ? ["nvcuda.dll"] : ["libcuda.so.1", "libcuda.so"],
        "Install the NVIDIA driver; libcuda.so.1 ships with it (containers need the NVIDIA container toolkit).");

    /// <summary>NVRTC. Debian's non-free libnvrtc11.2 package installs NVRTC 11.8 under the 11.2 soname.</summary>
    public static CudaLibrarySpec Nvrtc { get; } = new(
        "NVRTC (the CUDA runtime compiler)",
        OperatingSystem.IsWindows()
            ? ["nvrtc64_130_0.dll", "nvrtc64_120_0.dll", "nvrtc64_112_0.dll"]
            : ["libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so"],
        "Install it with scripts/setup-native.sh (Debian non-free libnvrtc11.2) or the CUDA toolkit.");

    /// <summary>cuBLAS.</summary>
    public static CudaLibrarySpec Cublas { get; } = new(
        "cuBLAS",
        OperatingSystem.IsWindows()
            ? ["cublas64_13.dll", "cublas64_12.dll", "cublas64_11.dll"]
            : ["libcublas.so.13", "libcublas.so.12", "libcublas.so.11", "libcublas.so"],
        "Install the CUDA toolkit's cuBLAS (Debian non-free libcublas11 or NVIDIA's libcublas-12-x).");
}

/// <summary>
/// The one place that finds the CUDA stack's native libraries. With <see cref="OverrideVariable"/> set, only
/// that folder is searched (an explicit choice should not be silently overridden by a system copy);
/// otherwise CUDA_PATH's library folders, each LD_LIBRARY_PATH folder, the loader's default search (bare
/// names) and /usr/local/cuda. When nothing loads, the exception lists every name tried.
/// </summary>
internal static class CudaLibraryResolver
{
    /// <summary>The environment variable naming the one folder to load CUDA libraries from.</summary>
    public const string OverrideVariable = "FUNCNET_CUDA_LIB_DIR";

    /// <summary>Every path or name to try for <paramref name="spec"/>, in order.</summary>
    public static IReadOnlyList<string> Candidates(CudaLibrarySpec spec, string? overrideDirectory, IReadOnlyList<string> searchDirectories)
    {
        if (!string.IsNullOrEmpty(overrideDirectory))
        {
            return spec.FileNames.Select(n => Path.Combine(overrideDirectory, n)).ToArray();
        }
        var result = new List<string>();
        foreach (var dir in searchDirectories.Where(d => !string.IsNullOrWhiteSpace(d)).Distinct())
        {
            result.AddRange(spec.FileNames.Select(n => Path.Combine(dir, n)));
        }
        result.AddRange(spec.FileNames);
        if (!OperatingSystem.IsWindows())
        {
            result.AddRange(spec.FileNames.Select(n => Path.Combine("/usr/local/cuda/lib64", n)));
        }
        return result.Distinct().ToArray();
    }

    /// <summary>The folders searched before the loader's default: CUDA_PATH's lib64/lib (bin on Windows), then LD_LIBRARY_PATH.</summary>
    public static IReadOnlyList<string> SearchDirectories()
    {
        var dirs = new List<string>();
        if (Environment.GetEnvironmentVariable("CUDA_PATH") is { Length: > 0 } cudaPath)
        {
            dirs.AddRange(OperatingSystem.IsWindows()
                ? [Path.Combine(cudaPath, "bin")]
                : [Path.Combine(cudaPath, "lib64"), Path.Combine(cudaPath, "lib")]);
        }
        if (Environment.GetEnvironmentVariable("LD_LIBRARY_PATH") is { Length: > 0 } ld)
        {
            dirs.AddRange(ld.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        }
        return dirs;
    }

    /// <summary>Loads <paramref name="spec"/> from the environment's locations; see <see cref="Load(CudaLibrarySpec, string?, IReadOnlyList{string})"/>.</summary>
    public static (nint Handle, string Path) Load(CudaLibrarySpec spec) =>
        Load(spec, Environment.GetEnvironmentVariable(OverrideVariable), SearchDirectories());

    /// <summary>
    /// The first candidate that loads, with the path that loaded; throws a <see cref="BackendUnavailableException"/>
    /// listing every name tried and how to fix it when none does.
    /// </summary>
    public static (nint Handle, string Path) Load(CudaLibrarySpec spec, string? overrideDirectory, IReadOnlyList<string> searchDirectories)
    {
        var candidates = Candidates(spec, overrideDirectory, searchDirectories);
        foreach (var candidate in candidates)
        {
            if (NativeLibrary.TryLoad(candidate, out var handle))
            {
                return (handle, candidate);
            }
        }
        var where = string.IsNullOrEmpty(overrideDirectory)
            ? $" Set {OverrideVariable} to the folder that holds it."
            : $" {OverrideVariable} is set to '{overrideDirectory}', so only that folder was searched.";
        throw new BackendUnavailableException(
            $"Could not load {spec.Description}; tried {string.Join(", ", candidates)}. {spec.Hint}{where}");
    }
}
