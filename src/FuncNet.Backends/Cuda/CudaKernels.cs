using System.Runtime.InteropServices;
using FuncNet.Backends.Cuda.Native;

namespace FuncNet.Backends.Cuda;

/// <summary>The prepared kernels that run a <see cref="CudaStep"/> on the backend's stream.</summary>
internal static partial class CudaKernels
{
    /// <summary>The kernel for a planned step; generated kernels are compiled (or found in the caches) here, once per specialization.</summary>
    public static IKernel Create(CudaBackend backend, Op op, CudaStep step, Shape shape, DType dtype) => step switch
    {
        GeneratedStep g => new GeneratedKernel(backend, g),
        GemmStep g => new GemmKernel(backend, g),
        ConvolutionStep c => new ConvolutionKernel(backend, c),
        CopyStep c => new CopyKernel(backend, c.Bytes),
        GatherStep g => new GatherKernel(backend, g),
        _ => new FallbackKernel(backend, op, shape, dtype),
    };

    /// <summary>True when <paramref name="kernel"/> is one of <paramref name="backend"/>'s kernels that only enqueue device work.</summary>
    public static bool CanCapture(IKernel kernel, CudaBackend backend) => kernel is DeviceKernel k && k.Backend == backend;

    private static CudaTensor Device(DeviceTensor value) => DeviceTensor.Require<CudaTensor>(value, "cuda");

    /// <summary>A kernel that only enqueues work on its backend's stream, so a CUDA graph can record it.</summary>
    private abstract class DeviceKernel(CudaBackend backend) : IKernel
    {
        public CudaBackend Backend => backend;

        public abstract void Run(DeviceTensor[] inputs, DeviceTensor output);
    }

    /// <summary>
    /// A generated kernel. Its argument block (pointers, then 64-bit scalars, then stride structs) lives in
    /// pinned memory written once, except the pointers, which are rewritten each run because a plan may
    /// bind different storage (a variable store) between runs.
    /// </summary>
    private sealed unsafe class GeneratedKernel : DeviceKernel
    {
        private readonly GeneratedStep _step;
        private readonly nint _function;
        private readonly byte[] _arguments;
        private readonly nint[] _slots;

        public GeneratedKernel(CudaBackend backend, GeneratedStep step) : base(backend)
        {
            _step = step;
            _function = backend.Function(step.Source);
            var pointers = 1 + step.Inputs.Length;
            var bytes = 8 * (pointers + step.Scalars.Length) + CudaStrides.ByteSize * step.Strides.Length;
            _arguments = GC.AllocateArray<byte>(Math.Max(8, bytes), pinned: true);
            _slots = GC.AllocateArray<nint>(pointers + step.Scalars.Length + step.Strides.Length, pinned: true);
            var span = _arguments.AsSpan();
            var offset = 8 * pointers;
            for (var i = 0; i < step.Scalars.Length; i++) { MemoryMarshal.Write(span[offset..], step.Scalars[i]); offset += 8; }
            foreach (var s in step.Strides) { s.WriteTo(span[offset..]); offset += CudaStrides.ByteSize; }
            fixed (byte* b = _arguments)
            {
                var slot = 0;
                for (var i = 0; i < pointers + step.Scalars.Length; i++) { _slots[slot++] = (nint)(b + 8 * i); }
                for (var i = 0; i < step.Strides.Length; i++) { _slots[slot++] = (nint)(b + 8 * (pointers + step.Scalars.Length) + CudaStrides.ByteSize * i); }
            }
        }

        public override void Run(DeviceTensor[] inputs, DeviceTensor output)
        {
            if (output.Shape.Size == 0) { return; }
            var span = _arguments.AsSpan();
            MemoryMarshal.Write(span, Device(output).Pointer);
            for (var i = 0; i < _step.Inputs.Length; i++) { MemoryMarshal.Write(span[(8 * (i + 1))..], Device(inputs[_step.Inputs[i]]).Pointer); }
            using var stream = Backend.EnterStream();
            var d = Backend.Driver;
            fixed (nint* slots = _slots)
            {
                d.Check(d.cuLaunchKernel(_function, _step.Grid, 1, 1, CudaCodeGenerator.BlockSize, 1, 1, 0, Backend.Stream, (void**)slots, null),
                        $"cuLaunchKernel ({_step.Kind})");
            }
        }
    }

    /// <summary>
    /// Row-major GEMM on column-major cuBLAS: C = op(A)·op(B) is computed as Cᵀ = op(B)ᵀ·op(A)ᵀ, which is
    /// cuBLAS's GEMM with the operands swapped and the transpose flags passed through unchanged. Batches
    /// with regular strides (including a broadcast operand, stride 0) become one strided-batched call.
    /// </summary>
    private sealed unsafe class GemmKernel(CudaBackend backend, GemmStep step) : DeviceKernel(backend)
    {
        public override void Run(DeviceTensor[] inputs, DeviceTensor output)
        {
            CudaTensor a = Device(inputs[0]), b = Device(inputs[1]), c = Device(output);
            if (output.Shape.Size == 0) { return; }
            using var stream = Backend.EnterStream();
            var g = step.Gemm;
            var e = step.DType.SizeInBytes();
            if (g.K == 0)
            {
                Backend.Driver.Check(Backend.Driver.cuMemsetD8Async(c.Pointer, 0, (nuint)c.Bytes, Backend.Stream), "cuMemsetD8Async");
                return;
            }
            var batches = g.Batches;
            var opA = g.TransposeA ? Cublas.OpT : Cublas.OpN;
            var opB = g.TransposeB ? Cublas.OpT : Cublas.OpN;
            var blas = Backend.Blas;
            var h = Backend.BlasHandle;
            long strideC = (long)g.M * g.N;
            float alphaF = (float)g.Alpha, betaF = (float)g.Beta;
            double alphaD = g.Alpha, betaD = g.Beta;
            if (batches > 1 && g.StrideA >= 0 && g.StrideB >= 0)
            {
                if (step.DType == DType.Float32)
                {
                    Cublas.Check(blas.cublasSgemmStridedBatched(h, opB, opA, g.N, g.M, g.K, &alphaF, b.Pointer, g.Ldb, g.StrideB, a.Pointer, g.Lda, g.StrideA,
                                                                &betaF, c.Pointer, g.Ldc, strideC, batches), "cublasSgemmStridedBatched");
                }
                else
                {
                    Cublas.Check(blas.cublasDgemmStridedBatched(h, opB, opA, g.N, g.M, g.K, &alphaD, b.Pointer, g.Ldb, g.StrideB, a.Pointer, g.Lda, g.StrideA,
                                                                &betaD, c.Pointer, g.Ldc, strideC, batches), "cublasDgemmStridedBatched");
                }
                return;
            }
            for (var batch = 0; batch < batches; batch++)
            {
                var pa = a.Pointer + (ulong)((long)g.OffsetsA[batch] * e);
                var pb = b.Pointer + (ulong)((long)g.OffsetsB[batch] * e);
                var pc = c.Pointer + (ulong)(batch * strideC * e);
                if (step.DType == DType.Float32)
                {
                    Cublas.Check(blas.cublasSgemm_v2(h, opB, opA, g.N, g.M, g.K, &alphaF, pb, g.Ldb, pa, g.Lda, &betaF, pc, g.Ldc), "cublasSgemm_v2");
                }
                else
                {
                    Cublas.Check(blas.cublasDgemm_v2(h, opB, opA, g.N, g.M, g.K, &alphaD, pb, g.Ldb, pa, g.Lda, &betaD, pc, g.Ldc), "cublasDgemm_v2");
                }
            }
        }
    }

    /// <summary>
    /// A gather or scatter-add with its <see cref="CudaIndexChecks.Word"/>: the launch lowers the sticky device word on
    /// a bad index, then the word is copied into its page-locked host copy; nothing waits, so a graph records it all
    /// and the backend raises a bad index at its next synchronization.
    /// </summary>
    private sealed unsafe class GatherKernel : DeviceKernel, IDisposable
    {
        private readonly GatherStep _step;
        private readonly nint _function;
        private readonly long[] _arguments;
        private readonly nint[] _slots;
        private readonly CudaIndexChecks.Word _status;
        private readonly long _work;

        public GatherKernel(CudaBackend backend, GatherStep step) : base(backend)
        {
            _step = step;
            _function = backend.Function(step.Source);
            var g = step.Gather.Geometry;
            _work = Math.Max((long)g.Batch * g.Outer * g.Count * g.Inner, (long)g.Batch * g.Count);
            _status = backend.IndexChecks.Register(step.Gather);
            // out, status, in, indices, then batch, outer, length, inner, count.
            _arguments = GC.AllocateArray<long>(9, pinned: true);
            (_arguments[1], _arguments[4], _arguments[5], _arguments[6], _arguments[7], _arguments[8]) = ((long)_status.Device, g.Batch, g.Outer, g.Length, g.Inner, g.Count);
            _slots = GC.AllocateArray<nint>(9, pinned: true);
            fixed (long* a = _arguments)
            {
                for (var i = 0; i < 9; i++) { _slots[i] = (nint)(a + i); }
            }
        }

        public override void Run(DeviceTensor[] inputs, DeviceTensor output)
        {
            var d = Backend.Driver;
            using var stream = Backend.EnterStream();
            if (_step.Gather.Scatter && output.Shape.Size > 0)
            {
                // Scatter-add accumulates with atomics into zeros (all of the output when there are no updates).
                d.Check(d.cuMemsetD8Async(Device(output).Pointer, 0, Bytes(output), Backend.Stream), "cuMemsetD8Async (scatter-add zeros)");
            }
            // Nothing moves and no index is checked only when there are no indices.
            if (_work == 0) { return; }
            (_arguments[0], _arguments[2], _arguments[3]) = ((long)Device(output).Pointer, (long)Device(inputs[0]).Pointer, (long)Device(inputs[1]).Pointer);
            fixed (nint* slots = _slots)
            {
                d.Check(d.cuLaunchKernel(_function, _step.Grid, 1, 1, CudaCodeGenerator.BlockSize, 1, 1, 0, Backend.Stream, (void**)slots, null),
                        $"cuLaunchKernel ({_step.Gather.Describe()})");
            }
            _status.EnqueueCopy();
        }

        public void Dispose() => _status.Dispose();
    }

    private static nuint Bytes(DeviceTensor value) => (nuint)((long)value.Shape.Size * value.DType.SizeInBytes());

    /// <summary>A device-to-device copy on the stream.</summary>
    private sealed class CopyKernel(CudaBackend backend, long bytes) : DeviceKernel(backend)
    {
        public override unsafe void Run(DeviceTensor[] inputs, DeviceTensor output)
        {
            if (bytes == 0) { return; }
            using var stream = Backend.EnterStream();
            Backend.Driver.Check(Backend.Driver.cuMemcpyDtoDAsync_v2(Device(output).Pointer, Device(inputs[0]).Pointer, (nuint)bytes, Backend.Stream), "cuMemcpyDtoDAsync_v2");
        }
    }

    /// <summary>
    /// The fallback for ops without a CUDA kernel (ArgMax, OneHot, …): download the inputs,
    /// run the op's reference kernel on the host, upload the result. Correct but slow, and it synchronizes
    /// the stream, so it cannot be captured into a CUDA graph (<see cref="CudaBackend.CanCapture"/> says so).
    /// </summary>
    private sealed class FallbackKernel(CudaBackend backend, Op op, Shape shape, DType dtype) : IKernel
    {
        public void Run(DeviceTensor[] inputs, DeviceTensor output)
        {
            var values = inputs.Select(backend.Download).ToArray();
            backend.CopyIn(op.Reference(values, shape, dtype), output);
        }
    }
}
