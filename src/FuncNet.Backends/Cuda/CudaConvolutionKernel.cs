using FuncNet.Backends.Cuda.Native;
using FuncNet.Lowering;

namespace FuncNet.Backends.Cuda;

internal static partial class CudaKernels
{
    /// <summary>
    /// A <see cref="ConvolutionStep"/>: image by image, im2col into a column scratch buffer and one strided-batched
    /// cuBLAS GEMM over the groups (the filter gradient accumulating over images with β = 1), or for the input
    /// gradient the GEMM into the columns and col2im out of them. The scratch holds one image's columns, (C·R·S) ×
    /// (OH·OW); it is rented from the backend's memory pool when the kernel is prepared and kept until the kernel is
    /// disposed, so a captured CUDA graph replays into memory that is still its own. Not yet run on a device.
    /// </summary>
    private sealed unsafe class ConvolutionKernel : DeviceKernel, IDisposable
    {
        // Pointers (two), then Conv2DGeometry's scalars as CudaConvolutionCode's kernels take them.
        private const int Arguments = 2 + 13;

        private readonly ConvolutionStep _step;
        private readonly nint _function;
        private readonly DeviceTensor _columns;
        private readonly long[] _geometry;
        private readonly int _images, _groups, _perGroupK, _perGroupRows, _positions;
        private readonly long _imageElements, _outputElements;

        public ConvolutionKernel(CudaBackend backend, ConvolutionStep step) : base(backend)
        {
            _step = step;
            var c = step.Convolution;
            var g = c.Geometry;
            var output = g.Check(c.Describe(), c.Image, c.Filter);
            int channels = c.Image[1], r = c.Filter[2], s = c.Filter[3];
            _images = c.Image[0];
            _groups = g.Groups;
            _perGroupK = c.Filter[0] / g.Groups;
            _perGroupRows = c.Filter[1] * r * s;
            _positions = output[2] * output[3];
            _imageElements = (long)channels * c.Image[2] * c.Image[3];
            _outputElements = (long)c.Filter[0] * _positions;
            _geometry = [channels, c.Image[2], c.Image[3], r, s, output[2], output[3], g.StrideH, g.StrideW, g.PadTop, g.PadLeft, g.DilationH, g.DilationW];
            _function = backend.Function(step.Source);
            _columns = backend.Allocate(Shape.Of(channels * r * s * _positions), step.DType);
        }

        public override void Run(DeviceTensor[] inputs, DeviceTensor output)
        {
            if (output.Shape.Size == 0) { return; }
            using var stream = Backend.EnterStream();
            var columns = Device(_columns).Pointer;
            ulong first = Device(inputs[0]).Pointer, second = Device(inputs[1]).Pointer, result = Device(output).Pointer;
            var e = (ulong)_step.DType.SizeInBytes();
            long rows = _perGroupRows, k = _perGroupK, p = _positions;
            switch (_step.Convolution.Pass)
            {
                case ConvolutionPass.Forward:
                    // y[n, g] (K/G × P) = w[g] (K/G × C/G·R·S) · columns[g] (C/G·R·S × P).
                    for (var n = 0; n < _images; n++)
                    {
                        RunColumnKernel(columns, first + (ulong)(n * _imageElements) * e);
                        Gemm(false, false, k, p, rows, second, rows, k * rows, columns, p, rows * p, result + (ulong)(n * _outputElements) * e, k * p, 0);
                    }
                    break;
                case ConvolutionPass.InputGradient:
                    // columns[g] (C/G·R·S × P) = w[g]ᵀ · dy[n, g] (K/G × P), folded back into dx[n].
                    for (var n = 0; n < _images; n++)
                    {
                        Gemm(true, false, rows, p, k, second, rows, k * rows, first + (ulong)(n * _outputElements) * e, p, k * p, columns, rows * p, 0);
                        RunColumnKernel(result + (ulong)(n * _imageElements) * e, columns);
                    }
                    break;
                default:
                    // dw[g] (K/G × C/G·R·S) = Σₙ dy[n, g] (K/G × P) · columns[g]ᵀ.
                    if (_images == 0)
                    {
                        Backend.Driver.Check(Backend.Driver.cuMemsetD8Async(result, 0, (nuint)((ulong)output.Shape.Size * e), Backend.Stream), "cuMemsetD8Async");
                    }
                    for (var n = 0; n < _images; n++)
                    {
                        RunColumnKernel(columns, first + (ulong)(n * _imageElements) * e);
                        Gemm(false, true, k, rows, p, second + (ulong)(n * _outputElements) * e, p, k * p, columns, p, rows * p, result, k * rows, n == 0 ? 0 : 1);
                    }
                    break;
            }
        }

        /// <summary>Launches the step's im2col <c>(columns, image)</c> or col2im <c>(image, columns)</c> over one image.</summary>
        private void RunColumnKernel(ulong target, ulong source)
        {
            var values = stackalloc long[Arguments];
            var slots = stackalloc nint[Arguments];
            values[0] = (long)target;
            values[1] = (long)source;
            for (var i = 0; i < _geometry.Length; i++) { values[2 + i] = _geometry[i]; }
            for (var i = 0; i < Arguments; i++) { slots[i] = (nint)(values + i); }
            var d = Backend.Driver;
            d.Check(d.cuLaunchKernel(_function, _step.Grid, 1, 1, CudaCodeGenerator.BlockSize, 1, 1, 0, Backend.Stream, (void**)slots, null),
                    $"cuLaunchKernel ({(_step.Convolution.Pass == ConvolutionPass.InputGradient ? "col2im" : "im2col")})");
        }

        /// <summary>
        /// Row-major C = op(A)·op(B) (M × N, inner K) for each group, operands and result a fixed stride apart; as in
        /// <see cref="GemmKernel"/>, computed on column-major cuBLAS as Cᵀ = op(B)ᵀ·op(A)ᵀ.
        /// </summary>
        private void Gemm(bool transposeA, bool transposeB, long m, long n, long k, ulong a, long lda, long strideA, ulong b, long ldb, long strideB,
                          ulong c, long strideC, double beta)
        {
            var blas = Backend.Blas;
            int opA = transposeA ? Cublas.OpT : Cublas.OpN, opB = transposeB ? Cublas.OpT : Cublas.OpN;
            if (_step.DType == DType.Float32)
            {
                float alphaF = 1, betaF = (float)beta;
                Cublas.Check(blas.cublasSgemmStridedBatched(Backend.BlasHandle, opB, opA, (int)n, (int)m, (int)k, &alphaF, b, (int)ldb, strideB, a, (int)lda, strideA,
                                                            &betaF, c, (int)n, strideC, _groups), "cublasSgemmStridedBatched (convolution)");
            }
            else
            {
                double alphaD = 1, betaD = beta;
                Cublas.Check(blas.cublasDgemmStridedBatched(Backend.BlasHandle, opB, opA, (int)n, (int)m, (int)k, &alphaD, b, (int)ldb, strideB, a, (int)lda, strideA,
                                                            &betaD, c, (int)n, strideC, _groups), "cublasDgemmStridedBatched (convolution)");
            }
        }

        public void Dispose() => _columns.Dispose();
    }
}
