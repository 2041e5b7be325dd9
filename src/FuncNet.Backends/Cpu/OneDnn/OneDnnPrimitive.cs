using System.Runtime.InteropServices;

namespace FuncNet.Backends.Cpu.OneDnn;

/// <summary>
/// One created oneDNN primitive with what it runs with: its primitive descriptor, a stream, and a memory
/// object per argument whose data pointer is set on every run (the arrays are the backend's, so nothing is
/// copied). Created once per shape; <see cref="Execute"/> runs it. Not for concurrent runs (the memory
/// objects' pointers are per primitive), as a plan's kernels are not. Disposing releases the native handles;
/// a finalizer does so for an owner that never disposes.
/// </summary>
internal sealed unsafe class OneDnnPrimitive : IDisposable
{
    private const int QueryImplInfo = 8;     // dnnl_query_impl_info_str
    private const int QueryExecArgMd = 255;  // dnnl_query_exec_arg_md
    private const int MaxArguments = 8;

    private readonly OneDnnLibrary _library;
    private OneDnnLibrary.ExecArg* _arguments;
    private readonly bool[] _owned = new bool[MaxArguments];
    private nint _descriptor, _primitive, _stream;
    private int _count;

    /// <summary>Creates the primitive for an initialized operation descriptor (a backward one needs its forward's as hint).</summary>
    public OneDnnPrimitive(OneDnnLibrary library, void* operationDescriptor, OneDnnPrimitive? forwardHint, string what)
    {
        _library = library;
        _arguments = (OneDnnLibrary.ExecArg*)NativeMemory.AllocZeroed((nuint)(MaxArguments * sizeof(OneDnnLibrary.ExecArg)));
        try
        {
            nint descriptor, primitive, stream;
            OneDnnLibrary.Check(library.PrimitiveDescCreate(&descriptor, operationDescriptor, 0, library.Engine, forwardHint?._descriptor ?? 0), $"dnnl_primitive_desc_create ({what})");
            _descriptor = descriptor;
            OneDnnLibrary.Check(library.PrimitiveCreate(&primitive, descriptor), $"dnnl_primitive_create ({what})");
            _primitive = primitive;
            const uint defaultFlags = 1; // dnnl_stream_default_flags
            OneDnnLibrary.Check(library.StreamCreate(&stream, library.Engine, defaultFlags), "dnnl_stream_create");
            _stream = stream;
            byte* name = null;
            Implementation = library.PrimitiveDescQuery(descriptor, QueryImplInfo, 0, &name) == 0 && name != null ? Marshal.PtrToStringUTF8((nint)name) ?? "" : "";
        }
        catch
        {
            Release();
            throw;
        }
    }

    /// <summary>The OpenMP threads it runs on (see <see cref="OneDnnThreadChoice"/>); one until chosen.</summary>
    public int Threads { get; set; } = 1;

    /// <summary>The implementation oneDNN chose (e.g. <c>gemm:jit</c>, <c>jit:avx2</c>), for reports and tests.</summary>
    public string Implementation { get; } = "";

    /// <summary>Fills a plain, dense Float32 memory descriptor with the given dimensions and layout tag.</summary>
    public static void PlainDescriptor(OneDnnLibrary library, byte* descriptor, int tag, params long[] dims)
    {
        const int float32 = 3; // dnnl_f32
        fixed (long* d = dims)
        {
            OneDnnLibrary.Check(library.MemoryDescInitByTag(descriptor, dims.Length, d, float32, tag), "dnnl_memory_desc_init_by_tag");
        }
    }

    /// <summary>Throws unless a span handed to a kernel has the length its geometry says (the native call would read or write past it).</summary>
    public static void RequireLength(int length, int expected, string operand, object geometry)
    {
        if (length != expected)
        {
            throw new FuncNetException($"oneDNN kernel: {operand} has {length} elements, expected {expected} for {geometry}. This is a FuncNet bug, please report it.");
        }
    }

    /// <summary>A Float32 CPU tensor's elements (its pooled array may be longer than its shape).</summary>
    public static Span<float> Elements(DeviceTensor tensor) => ((CpuTensor)tensor).As<float>().AsSpan(0, tensor.Shape.Size);

    /// <summary>True when the primitive takes the argument (a max-pooling forward for training has a workspace, an inference one none).</summary>
    public bool Takes(int argument)
    {
        var md = _library.PrimitiveDescQueryMd(_descriptor, QueryExecArgMd, argument);
        return md != null && _library.MemoryDescGetSize(md) > 0;
    }

    /// <summary>Adds an argument whose data pointer <see cref="SetData"/> supplies per run; returns its slot.</summary>
    public int Bind(int argument) => Add(argument, null);

    /// <summary>Adds an argument whose memory oneDNN allocates and keeps (a workspace); returns the memory object to share.</summary>
    public nint BindAllocated(int argument)
    {
        var allocate = (void*)nuint.MaxValue; // DNNL_MEMORY_ALLOCATE
        return _arguments[Add(argument, allocate)].Memory;
    }

    /// <summary>Adds an argument bound to another primitive's memory object (a workspace written by the forward pass).</summary>
    public void BindShared(int argument, nint memory)
    {
        _arguments[_count] = new OneDnnLibrary.ExecArg { Arg = argument, Memory = memory };
        _count++;
    }

    private int Add(int argument, void* handle)
    {
        if (_count == MaxArguments)
        {
            throw new InvalidOperationException("A oneDNN primitive here takes at most 8 arguments.");
        }
        var md = _library.PrimitiveDescQueryMd(_descriptor, QueryExecArgMd, argument);
        nint memory;
        OneDnnLibrary.Check(_library.MemoryCreate(&memory, md, _library.Engine, handle), $"dnnl_memory_create (argument {argument})");
        _arguments[_count] = new OneDnnLibrary.ExecArg { Arg = argument, Memory = memory };
        _owned[_count] = true;
        return _count++;
    }

    /// <summary>Points a bound argument at the data of this run.</summary>
    public void SetData(int slot, float* data) =>
        OneDnnLibrary.Check(_library.MemorySetDataHandle(_arguments[slot].Memory, data), "dnnl_memory_set_data_handle");

    /// <summary>Runs the primitive and waits for it.</summary>
    public void Execute()
    {
        ObjectDisposedException.ThrowIf(_primitive == 0, this);
        _library.UseThreads(Threads);
        OneDnnLibrary.Check(_library.PrimitiveExecute(_primitive, _stream, _count, _arguments), "dnnl_primitive_execute");
        OneDnnLibrary.Check(_library.StreamWait(_stream), "dnnl_stream_wait");
    }

    private void Release()
    {
        if (_arguments == null) { return; }
        for (var i = 0; i < _count; i++)
        {
            if (_owned[i]) { _library.MemoryDestroy(_arguments[i].Memory); }
        }
        _count = 0;
        if (_primitive != 0) { _library.PrimitiveDestroy(_primitive); _primitive = 0; }
        if (_descriptor != 0) { _library.PrimitiveDescDestroy(_descriptor); _descriptor = 0; }
        if (_stream != 0) { _library.StreamDestroy(_stream); _stream = 0; }
        NativeMemory.Free(_arguments);
        _arguments = null;
    }

    /// <summary>Releases the native primitive, descriptor, stream and memory objects.</summary>
    public void Dispose()
    {
        Release();
        GC.SuppressFinalize(this);
    }

    ~OneDnnPrimitive() => Release();
}
