using System.Runtime.InteropServices;
using System.Text;

namespace FuncNet.Backends.Cuda.Native;

/// <summary>
/// NVRTC, the CUDA runtime compiler, bound by name: CUDA C source in, PTX out. Needs no GPU and no driver,
/// which is what lets CI compile every generated kernel on a machine without a GPU.
/// </summary>
internal sealed unsafe class Nvrtc
{
    private const int Success = 0;

    private static readonly Lazy<(Nvrtc? Library, string Error)> Loaded = new(TryLoad);

    private readonly delegate* unmanaged<int*, int*, int> _version;
    private readonly delegate* unmanaged<nint*, byte*, byte*, int, byte**, byte**, int> _createProgram;
    private readonly delegate* unmanaged<nint, int, byte**, int> _compileProgram;
    private readonly delegate* unmanaged<nint, nuint*, int> _getProgramLogSize;
    private readonly delegate* unmanaged<nint, byte*, int> _getProgramLog;
    private readonly delegate* unmanaged<nint, nuint*, int> _getPtxSize;
    private readonly delegate* unmanaged<nint, byte*, int> _getPtx;
    private readonly delegate* unmanaged<nint*, int> _destroyProgram;
    private readonly delegate* unmanaged<int, byte*> _getErrorString;
    private readonly delegate* unmanaged<int*, int> _getNumSupportedArchs;
    private readonly delegate* unmanaged<int*, int> _getSupportedArchs;

    private Nvrtc(nint h, string path)
    {
        Path = path;
        _version = (delegate* unmanaged<int*, int*, int>)NativeLibrary.GetExport(h, "nvrtcVersion");
        _createProgram = (delegate* unmanaged<nint*, byte*, byte*, int, byte**, byte**, int>)NativeLibrary.GetExport(h, "nvrtcCreateProgram");
        _compileProgram = (delegate* unmanaged<nint, int, byte**, int>)NativeLibrary.GetExport(h, "nvrtcCompileProgram");
        _getProgramLogSize = (delegate* unmanaged<nint, nuint*, int>)NativeLibrary.GetExport(h, "nvrtcGetProgramLogSize");
        _getProgramLog = (delegate* unmanaged<nint, byte*, int>)NativeLibrary.GetExport(h, "nvrtcGetProgramLog");
        _getPtxSize = (delegate* unmanaged<nint, nuint*, int>)NativeLibrary.GetExport(h, "nvrtcGetPTXSize");
        _getPtx = (delegate* unmanaged<nint, byte*, int>)NativeLibrary.GetExport(h, "nvrtcGetPTX");
        _destroyProgram = (delegate* unmanaged<nint*, int>)NativeLibrary.GetExport(h, "nvrtcDestroyProgram");
        _getErrorString = (delegate* unmanaged<int, byte*>)NativeLibrary.GetExport(h, "nvrtcGetErrorString");
        // The supported-architecture query arrived in NVRTC 11.2.
        _getNumSupportedArchs = NativeLibrary.TryGetExport(h, "nvrtcGetNumSupportedArchs", out var n) ? (delegate* unmanaged<int*, int>)n : null;
        _getSupportedArchs = NativeLibrary.TryGetExport(h, "nvrtcGetSupportedArchs", out var s) ? (delegate* unmanaged<int*, int>)s : null;
        int major, minor;
        Check(_version(&major, &minor), "nvrtcVersion");
        Version = new Version(major, minor);
    }

    /// <summary>The file that was loaded.</summary>
    public string Path { get; }

    /// <summary>NVRTC's own version (Debian's libnvrtc.so.11.2 reports 11.8).</summary>
    public Version Version { get; }

    /// <summary>NVRTC, or null with a message naming every file tried.</summary>
    public static (Nvrtc? Library, string Error) Load() => Loaded.Value;

    /// <summary>NVRTC loaded from explicit locations (tests point it at an empty folder); throws <see cref="BackendUnavailableException"/>.</summary>
    public static Nvrtc Load(string? overrideDirectory, IReadOnlyList<string> searchDirectories)
    {
        var (handle, path) = CudaLibraryResolver.Load(CudaLibrarySpec.Nvrtc, overrideDirectory, searchDirectories);
        return new Nvrtc(handle, path);
    }

    private static (Nvrtc?, string) TryLoad()
    {
        try
        {
            var (handle, path) = CudaLibraryResolver.Load(CudaLibrarySpec.Nvrtc);
            return (new Nvrtc(handle, path), "");
        }
        catch (BackendUnavailableException e)
        {
            return (null, e.Message);
        }
        catch (EntryPointNotFoundException e)
        {
            return (null, $"NVRTC loaded but lacks an entry point FuncNet needs: {e.Message}");
        }
    }

    /// <summary>The virtual architectures (e.g. 80 for compute_80) this NVRTC can target; empty when it cannot say.</summary>
    public IReadOnlyList<int> SupportedArchitectures()
    {
        if (_getNumSupportedArchs == null || _getSupportedArchs == null) { return []; }
        int count;
        Check(_getNumSupportedArchs(&count), "nvrtcGetNumSupportedArchs");
        var archs = new int[count];
        fixed (int* p = archs) { Check(_getSupportedArchs(p), "nvrtcGetSupportedArchs"); }
        return archs;
    }

    /// <summary>
    /// Compiles one CUDA C translation unit to PTX; a compile error becomes a <see cref="CudaCompilationException"/>
    /// whose message quotes NVRTC's log. The program is always destroyed.
    /// </summary>
    public string CompileToPtx(string source, string name, IReadOnlyList<string> options)
    {
        nint program = 0;
        var src = Utf8(source);
        var nm = Utf8(name);
        fixed (byte* s = src, n = nm)
        {
            Check(_createProgram(&program, s, n, 0, null, null), "nvrtcCreateProgram");
        }
        try
        {
            var opts = options.Select(Utf8).ToArray();
            var handles = opts.Select(o => GCHandle.Alloc(o, GCHandleType.Pinned)).ToArray();
            int result;
            try
            {
                var ptrs = stackalloc byte*[Math.Max(1, opts.Length)];
                for (var i = 0; i < opts.Length; i++) { ptrs[i] = (byte*)handles[i].AddrOfPinnedObject(); }
                result = _compileProgram(program, opts.Length, ptrs);
            }
            finally
            {
                foreach (var h in handles) { h.Free(); }
            }
            if (result != Success)
            {
                var log = ProgramLog(program);
                throw new CudaCompilationException(
                    $"NVRTC {Version} could not compile the generated kernel '{name}' ({ErrorString(result)}; options {string.Join(' ', options)}). " +
                    $"This is a bug in FuncNet's CUDA code generation; please report it with this log:\n{log}", log, source);
            }
            nuint size;
            Check(_getPtxSize(program, &size), "nvrtcGetPTXSize");
            var ptx = new byte[size];
            fixed (byte* p = ptx) { Check(_getPtx(program, p), "nvrtcGetPTX"); }
            return Encoding.UTF8.GetString(ptx, 0, Math.Max(0, (int)size - 1));
        }
        finally
        {
            _destroyProgram(&program);
        }
    }

    private string ProgramLog(nint program)
    {
        nuint size;
        if (_getProgramLogSize(program, &size) != Success || size <= 1) { return ""; }
        var log = new byte[size];
        fixed (byte* p = log) { _getProgramLog(program, p); }
        return Encoding.UTF8.GetString(log, 0, (int)size - 1);
    }

    private string ErrorString(int code) => Marshal.PtrToStringUTF8((nint)_getErrorString(code)) ?? $"nvrtcResult {code}";

    private void Check(int code, string call)
    {
        if (code != Success)
        {
            throw new CudaException($"{call} failed: {ErrorString(code)}.", code);
        }
    }

    private static byte[] Utf8(string s)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(s) + 1];
        Encoding.UTF8.GetBytes(s, bytes);
        return bytes;
    }
}
