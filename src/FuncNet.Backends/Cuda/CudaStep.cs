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
/// word: the kernel skips an out-of-range index and records it there, and the word is copied to pinned host memory
/// after the launch without waiting, so the step is capturable into a CUDA graph; <see cref="CudaIndexChecks"/>
/// reads the copy at the backend's next synchronization and raises the CPU's <see cref="IndexException"/>.
/// </summary>
/// <param name="Source">The kernel body, entry <see cref="CudaCodeGenerator.Entry"/>.</param>
/// <param name="Gather">The geometry and the names its error message needs.</param>
/// <param name="Grid">Blocks to launch.</param>
internal sealed record GatherStep(string Source, GatherKind Gather, uint Grid) : CudaStep;

/// <summary>A row-major (batched) GEMM through cuBLAS in <paramref name="DType"/>, with the geometry its op lowered to.</summary>
internal sealed record GemmStep(DType DType, GemmKind Gemm) : CudaStep;

/// <summary>
/// A convolution pass as im2col (or col2im) + cuBLAS over chunks of <see cref="Chunk"/> images, into column scratch
/// buffers from the memory pool: forward runs <see cref="Source"/> = im2col over a chunk then one strided-batched
/// GEMM per group (or per image, when there are more groups than images); the input gradient those GEMMs into the
/// columns then <see cref="Source"/> = col2im; the filter gradient im2col (tap-major) and
/// <see cref="ChannelMajor"/> over the output gradients, then one GEMM per chunk whose inner dimension is images ×
/// positions, accumulating over chunks with β = 1 (no atomics, a fixed order: deterministic).
/// </summary>
/// <param name="DType">The float type of inputs and output.</param>
/// <param name="Convolution">The pass and its geometry.</param>
/// <param name="Source">The generated im2col or col2im kernel (entry <see cref="CudaCodeGenerator.Entry"/>).</param>
/// <param name="Grid">Blocks for one launch of <see cref="Source"/> over a full chunk.</param>
/// <param name="Chunk">Images per chunk: as many as keep the scratch within <see cref="CudaOptions.ConvolutionScratchBytes"/>, at least one.</param>
/// <param name="ChannelMajor">For the filter gradient, the kernel that regroups a chunk's output gradients channel-major; else null.</param>
/// <param name="ChannelMajorGrid">Blocks for one launch of <see cref="ChannelMajor"/> over a full chunk (0 without it).</param>
internal sealed record ConvolutionStep(DType DType, ConvolutionKind Convolution, string Source, uint Grid, int Chunk, string? ChannelMajor, uint ChannelMajorGrid) : CudaStep;

/// <summary>A device-to-device copy of the whole input (a reshape the plan did not alias).</summary>
internal sealed record CopyStep(long Bytes) : CudaStep;

/// <summary>The op's reference kernel on downloaded inputs, its result uploaded: correct, slow, and synchronizing.</summary>
internal sealed record FallbackStep(string Reason) : CudaStep;
