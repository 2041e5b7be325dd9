namespace FuncNet.Backends.Cpu.OneDnn;

/// <summary>
/// The geometry of a 2-D convolution in FuncNet's conventions: input N × C × H × W (NCHW), filter K × C/groups ×
/// R × S (OIHW), strides, padding as (before, after) pairs per axis, dilation with 1 meaning none (PyTorch's
/// convention; oneDNN counts the gaps, so 0 means none there: the translation is made here and nowhere else),
/// and groups. The output is N × K × OutH × OutW, rounded down as every framework does.
/// </summary>
internal sealed record OneDnnConvolutionGeometry(
    int N, int C, int H, int W, int K, int R, int S,
    int StrideH = 1, int StrideW = 1,
    int PadTop = 0, int PadBottom = 0, int PadLeft = 0, int PadRight = 0,
    int DilationH = 1, int DilationW = 1, int Groups = 1)
{
    /// <summary>Output height: ⌊(H + padding − dilated filter height) / stride⌋ + 1.</summary>
    public int OutH => (H + PadTop + PadBottom - ((R - 1) * DilationH + 1)) / StrideH + 1;

    /// <summary>Output width: ⌊(W + padding − dilated filter width) / stride⌋ + 1.</summary>
    public int OutW => (W + PadLeft + PadRight - ((S - 1) * DilationW + 1)) / StrideW + 1;

    /// <summary>Elements of the input (N·C·H·W).</summary>
    public int InputSize => N * C * H * W;

    /// <summary>Elements of the filter (K·C/groups·R·S).</summary>
    public int FilterSize => K * (C / Groups) * R * S;

    /// <summary>Elements of the output (N·K·OutH·OutW).</summary>
    public int OutputSize => N * K * OutH * OutW;

    /// <summary>
    /// Throws unless the geometry describes a convolution oneDNN can be asked for. The ops check their shapes
    /// with user-facing errors first, so a failure here is a FuncNet bug; it still stops a native call with
    /// sizes that would read outside the buffers.
    /// </summary>
    public void Validate()
    {
        var positive = N > 0 && C > 0 && H > 0 && W > 0 && K > 0 && R > 0 && S > 0 && StrideH > 0 && StrideW > 0 && DilationH > 0 && DilationW > 0 && Groups > 0;
        var padding = PadTop >= 0 && PadBottom >= 0 && PadLeft >= 0 && PadRight >= 0;
        if (!positive || !padding || C % Groups != 0 || K % Groups != 0 || OutH <= 0 || OutW <= 0)
        {
            throw new FuncNetException($"oneDNN convolution: expected positive sizes, strides, dilations and groups dividing both channel counts, non-negative padding and an output of at least 1 × 1; given {this}. This is a FuncNet bug (the op checks its shapes first), please report it.");
        }
    }

    /// <summary>Fills the source, weights and destination descriptors (plain NCHW / OIHW, or GOIHW for groups).</summary>
    internal unsafe void Describe(OneDnnLibrary library, byte* source, byte* weights, byte* destination)
    {
        const int nchw = 5, oihw = 5, goihw = 7; // dnnl_format_tag_t values (nchw and oihw are both abcd)
        OneDnnPrimitive.PlainDescriptor(library, source, nchw, N, C, H, W);
        if (Groups == 1)
        {
            OneDnnPrimitive.PlainDescriptor(library, weights, oihw, K, C, R, S);
        }
        else
        {
            // G × K/G × C/G × R × S has exactly the memory order of FuncNet's K × C/G × R × S filter.
            OneDnnPrimitive.PlainDescriptor(library, weights, goihw, Groups, K / Groups, C / Groups, R, S);
        }
        OneDnnPrimitive.PlainDescriptor(library, destination, nchw, N, K, OutH, OutW);
    }

    /// <summary>Strides, oneDNN's dilations (gaps, 0 = none), and the padding before and after, per spatial axis.</summary>
    internal (long[] Strides, long[] Dilates, long[] PadBefore, long[] PadAfter) Spatial() =>
        ([StrideH, StrideW], [DilationH - 1, DilationW - 1], [PadTop, PadLeft], [PadBottom, PadRight]);

    /// <summary>Creates the forward primitive (for training, so backward primitives can take it as their hint).</summary>
    internal unsafe OneDnnPrimitive CreateForward(OneDnnLibrary library)
    {
        Validate();
        return Create(library, null, "convolution forward", (operation, source, weights, destination, st, di, pb, pa) =>
            OneDnnLibrary.Check(library.ConvolutionForwardDescInit(operation, OneDnnConstants.ForwardTraining, OneDnnConstants.ConvolutionDirect,
                source, weights, null, destination, st, di, pb, pa), "dnnl_dilated_convolution_forward_desc_init"));
    }

    /// <summary>Creates the input-gradient primitive (a transposed convolution of the output gradient).</summary>
    internal unsafe OneDnnPrimitive CreateBackwardData(OneDnnLibrary library, OneDnnPrimitive forward) =>
        Create(library, forward, "convolution backward data", (operation, source, weights, destination, st, di, pb, pa) =>
            OneDnnLibrary.Check(library.ConvolutionBackwardDataDescInit(operation, OneDnnConstants.ConvolutionDirect,
                source, weights, destination, st, di, pb, pa), "dnnl_dilated_convolution_backward_data_desc_init"));

    /// <summary>Creates the filter-gradient primitive.</summary>
    internal unsafe OneDnnPrimitive CreateBackwardWeights(OneDnnLibrary library, OneDnnPrimitive forward) =>
        Create(library, forward, "convolution backward weights", (operation, source, weights, destination, st, di, pb, pa) =>
            OneDnnLibrary.Check(library.ConvolutionBackwardWeightsDescInit(operation, OneDnnConstants.ConvolutionDirect,
                source, weights, null, destination, st, di, pb, pa), "dnnl_dilated_convolution_backward_weights_desc_init"));

    /// <summary>Fills an operation descriptor from the memory descriptors and the spatial arrays (strides, dilations, padding before, after).</summary>
    private unsafe delegate void InitOperation(byte* operation, byte* source, byte* weights, byte* destination, long* strides, long* dilates, long* padBefore, long* padAfter);

    // The three directions describe the same memory and spatial parameters; only the descriptor call differs.
    private unsafe OneDnnPrimitive Create(OneDnnLibrary library, OneDnnPrimitive? forward, string what, InitOperation init)
    {
        byte* source = stackalloc byte[OneDnnLibrary.MemoryDescBytes], weights = stackalloc byte[OneDnnLibrary.MemoryDescBytes], destination = stackalloc byte[OneDnnLibrary.MemoryDescBytes];
        byte* operation = stackalloc byte[OneDnnLibrary.OpDescBytes];
        Describe(library, source, weights, destination);
        var (strides, dilates, before, after) = Spatial();
        fixed (long* st = strides, di = dilates, pb = before, pa = after)
        {
            init(operation, source, weights, destination, st, di, pb, pa);
        }
        return new OneDnnPrimitive(library, operation, forward, what);
    }
}
