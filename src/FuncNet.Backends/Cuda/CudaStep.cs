using FuncNet.Lowering;

namespace FuncNet.Backends.Cuda;

/// <summary>
/// What the CUDA backend does for one node at concrete shapes, decided without a device (so code
/// generation is testable on any machine): a generated kernel, a cuBLAS GEMM, a device copy, or the
/// reference fallback.
/// </summary>
internal abstract record CudaStep;

/// <summary>
/// A generated kernel launched as <c>entry(out, inputs…, scalars…, strides…)</c> over
/// <see cref="Grid"/> blocks of <see cref="CudaCodeGenerator.BlockSize"/> threads.
/// </summary>
/// <param name="Source">The CUDA C body (without the prelude), with the entry point <see cref="CudaCodeGenerator.Entry"/>.</param>
/// <param name="Inputs">Which of the node's inputs are passed, in order (a broadcast reads only its first).</param>
/// <param name="Scalars">The 64-bit integer arguments after the pointers.</param>
/// <param name="Strides">The stride structs after the scalars, one per strided input.</param>
/// <param name="Grid">Blocks to launch.</param>
/// <param name="Kind">A short description for messages and tests, e.g. <c>elementwise Sigmoid</c>.</param>
/// <param name="Layouts">For elementwise kernels, how each passed input is read; empty for the others.</param>
internal sealed record GeneratedStep(string Source, int[] Inputs, long[] Scalars, CudaStrides[] Strides, uint Grid, string Kind, CudaLayout[] Layouts) : CudaStep;

/// <summary>
/// A generated gather or scatter-add (<see cref="CudaRandomAndGatherKernels.GatherKernel"/>) with a device status
/// word: the kernel records the first out-of-range index position there instead of reading it, and the step reads
/// the word back after the launch (synchronizing), so a bad index raises the CPU's <see cref="IndexException"/>.
/// </summary>
/// <param name="Source">The kernel body, entry <see cref="CudaCodeGenerator.Entry"/>.</param>
/// <param name="Gather">The geometry and the names its error message needs.</param>
/// <param name="Grid">Blocks to launch.</param>
internal sealed record GatherStep(string Source, GatherKind Gather, uint Grid) : CudaStep;

/// <summary>A row-major (batched) GEMM through cuBLAS in <paramref name="DType"/>, with the geometry its op lowered to.</summary>
internal sealed record GemmStep(DType DType, GemmKind Gemm) : CudaStep;

/// <summary>
/// A convolution pass as im2col (or col2im) + cuBLAS, image by image into a column scratch buffer from the memory
/// pool: forward and filter gradient run <see cref="Source"/> = im2col then a GEMM per group, the input gradient a
/// GEMM per group then <see cref="Source"/> = col2im.
/// </summary>
/// <param name="DType">The float type of inputs and output.</param>
/// <param name="Convolution">The pass and its geometry.</param>
/// <param name="Source">The generated im2col or col2im kernel (entry <see cref="CudaCodeGenerator.Entry"/>).</param>
/// <param name="Grid">Blocks for one launch of <see cref="Source"/> over one image.</param>
internal sealed record ConvolutionStep(DType DType, ConvolutionKind Convolution, string Source, uint Grid) : CudaStep;

/// <summary>A device-to-device copy of the whole input (a reshape the plan did not alias).</summary>
internal sealed record CopyStep(long Bytes) : CudaStep;

/// <summary>The op's reference kernel on downloaded inputs, its result uploaded: correct, slow, and synchronizing.</summary>
internal sealed record FallbackStep(string Reason) : CudaStep;
