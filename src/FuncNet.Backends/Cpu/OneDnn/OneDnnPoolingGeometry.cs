namespace FuncNet.Backends.Cpu.OneDnn;

/// <summary>
/// The geometry of a 2-D pooling in FuncNet's conventions: input N × C × H × W (NCHW), a KernelH × KernelW
/// window, strides, padding as (before, after) pairs per axis, and the kind. The output is N × C × OutH × OutW,
/// rounded down.
/// </summary>
internal sealed record OneDnnPoolingGeometry(
    int N, int C, int H, int W, int KernelH, int KernelW,
    int StrideH, int StrideW,
    int PadTop, int PadBottom, int PadLeft, int PadRight,
    OneDnnPoolingKind Kind)
{
    /// <summary>Output height: ⌊(H + padding − window height) / stride⌋ + 1.</summary>
    public int OutH => (H + PadTop + PadBottom - KernelH) / StrideH + 1;

    /// <summary>Output width: ⌊(W + padding − window width) / stride⌋ + 1.</summary>
    public int OutW => (W + PadLeft + PadRight - KernelW) / StrideW + 1;

    /// <summary>Elements of the input (N·C·H·W).</summary>
    public int InputSize => N * C * H * W;

    /// <summary>Elements of the output (N·C·OutH·OutW).</summary>
    public int OutputSize => N * C * OutH * OutW;

    /// <summary>
    /// Throws unless oneDNN can be asked for this pooling: positive sizes and strides, padding smaller than the
    /// window (oneDNN's rule: every window must touch the input), an output of at least 1 × 1. The ops check
    /// first with user-facing errors, so a failure here is a FuncNet bug that stops a bad native call.
    /// </summary>
    public void Validate()
    {
        var positive = N > 0 && C > 0 && H > 0 && W > 0 && KernelH > 0 && KernelW > 0 && StrideH > 0 && StrideW > 0;
        var padding = PadTop >= 0 && PadBottom >= 0 && PadLeft >= 0 && PadRight >= 0 &&
                      PadTop < KernelH && PadBottom < KernelH && PadLeft < KernelW && PadRight < KernelW;
        if (!positive || !padding || OutH <= 0 || OutW <= 0)
        {
            throw new FuncNetException($"oneDNN pooling: expected positive sizes and strides, padding smaller than the window and an output of at least 1 × 1; given {this}. This is a FuncNet bug (the op checks its shapes first), please report it.");
        }
    }

    private int Algorithm => Kind switch
    {
        OneDnnPoolingKind.Max => OneDnnConstants.PoolingMax,
        OneDnnPoolingKind.AverageIncludingPadding => OneDnnConstants.PoolingAverageIncludingPadding,
        _ => OneDnnConstants.PoolingAverageExcludingPadding,
    };

    /// <summary>Creates the forward primitive; for training it keeps a max-pooling workspace for the backward pass.</summary>
    internal unsafe OneDnnPrimitive CreateForward(OneDnnLibrary library, bool training)
    {
        Validate();
        byte* source = stackalloc byte[OneDnnLibrary.MemoryDescBytes], destination = stackalloc byte[OneDnnLibrary.MemoryDescBytes];
        byte* operation = stackalloc byte[OneDnnLibrary.OpDescBytes];
        Describe(library, source, destination);
        long* st = stackalloc long[] { StrideH, StrideW }, kernel = stackalloc long[] { KernelH, KernelW }, dilation = stackalloc long[] { 0, 0 };
        long* before = stackalloc long[] { PadTop, PadLeft }, after = stackalloc long[] { PadBottom, PadRight };
        OneDnnLibrary.Check(library.PoolingForwardDescInit(operation, training ? OneDnnConstants.ForwardTraining : OneDnnConstants.ForwardInference, Algorithm,
            source, destination, st, kernel, dilation, before, after), "dnnl_pooling_v2_forward_desc_init");
        return new OneDnnPrimitive(library, operation, null, "pooling forward");
    }

    /// <summary>Creates the backward primitive, with the training forward primitive as its hint.</summary>
    internal unsafe OneDnnPrimitive CreateBackward(OneDnnLibrary library, OneDnnPrimitive forward)
    {
        byte* source = stackalloc byte[OneDnnLibrary.MemoryDescBytes], destination = stackalloc byte[OneDnnLibrary.MemoryDescBytes];
        byte* operation = stackalloc byte[OneDnnLibrary.OpDescBytes];
        Describe(library, source, destination);
        long* st = stackalloc long[] { StrideH, StrideW }, kernel = stackalloc long[] { KernelH, KernelW }, dilation = stackalloc long[] { 0, 0 };
        long* before = stackalloc long[] { PadTop, PadLeft }, after = stackalloc long[] { PadBottom, PadRight };
        OneDnnLibrary.Check(library.PoolingBackwardDescInit(operation, Algorithm, source, destination, st, kernel, dilation, before, after),
            "dnnl_pooling_v2_backward_desc_init");
        return new OneDnnPrimitive(library, operation, forward, "pooling backward");
    }

    private unsafe void Describe(OneDnnLibrary library, byte* source, byte* destination)
    {
        const int nchw = 5;
        OneDnnPrimitive.PlainDescriptor(library, source, nchw, N, C, H, W);
        OneDnnPrimitive.PlainDescriptor(library, destination, nchw, N, C, OutH, OutW);
    }
}
