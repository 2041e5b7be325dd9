using FuncNet.Backends.Cuda.Native;
using FuncNet.Lowering;

namespace FuncNet.Backends.Cuda;

internal static partial class CudaKernels
{
    /// <summary>
    /// A <see cref="ConvolutionStep"/>, chunk by chunk of images: im2col of the chunk into a column scratch buffer and
    /// strided-batched cuBLAS GEMMs over it, or for the input gradient the GEMMs into the columns and col2im out of
    /// them. The GEMMs batch over the chunk's images, one call per group (the filter shared, stride 0), or over the
    /// groups, one call per image, when there are more groups than images. The filter gradient sums over images
    /// inside one GEMM per chunk (inner dimension images × positions, over tap-major columns and channel-major output
    /// gradients) and across chunks with β = 1. The scratch buffers hold one chunk; they are rented from the
    /// backend's memory pool when the kernel is prepared and kept until it is disposed, so a captured CUDA graph
    /// replays into memory that is still its own. Not yet run on a device.
    /// </summary>
    private sealed unsafe class ConvolutionKernel : DeviceKernel, IDisposable
    {
        private readonly ConvolutionStep _step;
        private readonly nint _function, _channelMajor;
        private readonly DeviceTensor _columns;
        private readonly DeviceTensor? _gradients;
        private readonly long[] _geometry;
        private readonly int _images, _groups, _filters, _perGroupK, _perGroupRows, _positions;
        private readonly long _imageElements, _outputElements, _columnElements;

        public ConvolutionKernel(CudaBackend backend, ConvolutionStep step) : base(backend)
        {
            _step = step;
            var c = step.Convolution;
            var g = c.Geometry;
            var output = g.Check(c.Describe(), c.Image, c.Filter);
            int channels = c.Image[1], r = c.Filter[2], s = c.Filter[3];
            _images = c.Image[0];
            _groups = g.Groups;
            _filters = c.Filter[0];
            _perGroupK = c.Filter[0] / g.Groups;
            _perGroupRows = c.Filter[1] * r * s;
            _positions = output[2] * output[3];
            _imageElements = (long)channels * c.Image[2] * c.Image[3];
            _outputElements = (long)c.Filter[0] * _positions;
            _columnElements = (long)channels * r * s * _positions;
            _geometry = [channels, c.Image[2], c.Image[3], r, s, output[2], output[3], g.StrideH, g.StrideW, g.PadTop, g.PadLeft, g.DilationH, g.DilationW];
            _function = backend.Function(step.Source);
            _columns = backend.Allocate(Shape.Of((int)(step.Chunk * _columnElements)), step.DType);
            if (step.ChannelMajor is { } regroup)
            {
                _channelMajor = backend.Function(regroup);
                _gradients = backend.Allocate(Shape.Of((int)(step.Chunk * _outputElements)), step.DType);
            }
        }

        public override void Run(DeviceTensor[] inputs, DeviceTensor output)
        {
            if (output.Shape.Size == 0) { return; }
            using var stream = Backend.EnterStream();
            var columns = Device(_columns).Pointer;
            ulong first = Device(inputs[0]).Pointer, second = Device(inputs[1]).Pointer, result = Device(output).Pointer;
            var e = (ulong)_step.DType.SizeInBytes();
            long rows = _perGroupRows, k = _perGroupK, p = _positions, taps = _groups * rows;
            if (_images == 0)
            {
                // Only the filter gradient has a nonempty output without images: the empty sum, zeros.
                Backend.Driver.Check(Backend.Driver.cuMemsetD8Async(result, 0, (nuint)((ulong)output.Shape.Size * e), Backend.Stream), "cuMemsetD8Async");
                return;
            }
            for (var n0 = 0; n0 < _images; n0 += _step.Chunk)
            {
                long b = Math.Min(_step.Chunk, _images - n0);
                switch (_step.Convolution.Pass)
                {
                    case ConvolutionPass.Forward:
                    {
                        // y[n, g] (K/G × P) = w[g] (K/G × C/G·R·S) · columns[n, g] (C/G·R·S × P).
                        RunColumnKernel(columns, first + (ulong)(n0 * _imageElements) * e, b, tapMajor: false);
                        var y = result + (ulong)(n0 * _outputElements) * e;
                        if (b >= _groups)
                        {
                            for (var g = 0; g < _groups; g++)
                            {
                                Gemm(false, false, k, p, rows, second + (ulong)(g * k * rows) * e, rows, 0, columns + (ulong)(g * rows * p) * e, p, taps * p,
                                     y + (ulong)(g * k * p) * e, _outputElements, 0, b);
                            }
                        }
                        else
                        {
                            for (var n = 0; n < b; n++)
                            {
                                Gemm(false, false, k, p, rows, second, rows, k * rows, columns + (ulong)(n * taps * p) * e, p, rows * p,
                                     y + (ulong)(n * _outputElements) * e, k * p, 0, _groups);
                            }
                        }
                        break;
                    }
                    case ConvolutionPass.InputGradient:
                    {
                        // columns[n, g] (C/G·R·S × P) = w[g]ᵀ · dy[n, g] (K/G × P), folded back into dx[n].
                        var dy = first + (ulong)(n0 * _outputElements) * e;
                        if (b >= _groups)
                        {
                            for (var g = 0; g < _groups; g++)
                            {
                                Gemm(true, false, rows, p, k, second + (ulong)(g * k * rows) * e, rows, 0, dy + (ulong)(g * k * p) * e, p, _outputElements,
                                     columns + (ulong)(g * rows * p) * e, taps * p, 0, b);
                            }
                        }
                        else
                        {
                            for (var n = 0; n < b; n++)
                            {
                                Gemm(true, false, rows, p, k, second, rows, k * rows, dy + (ulong)(n * _outputElements) * e, p, k * p,
                                     columns + (ulong)(n * taps * p) * e, rows * p, 0, _groups);
                            }
                        }
                        RunColumnKernel(result + (ulong)(n0 * _imageElements) * e, columns, b, tapMajor: null);
                        break;
                    }
                    default:
                    {
                        // dw[g] (K/G × C/G·R·S) = Σ over the chunk's images and positions of dy[g] (K/G × B·P) · columns[g]ᵀ.
                        RunColumnKernel(columns, first + (ulong)(n0 * _imageElements) * e, b, tapMajor: true);
                        var gradients = Device(_gradients!).Pointer;
                        RunChannelMajor(gradients, second + (ulong)(n0 * _outputElements) * e, b);
                        var inner = b * p;
                        Gemm(false, true, k, rows, inner, gradients, inner, k * inner, columns, inner, rows * inner, result, k * rows, n0 == 0 ? 0 : 1, _groups);
                        break;
                    }
                }
            }
        }

        /// <summary>
        /// Launches the step's im2col <c>(columns, images, count, tap-major, geometry)</c> or, with <paramref name="tapMajor"/>
        /// null, col2im <c>(images, columns, count, geometry)</c> over <paramref name="images"/> images.
        /// </summary>
        private void RunColumnKernel(ulong target, ulong source, long images, bool? tapMajor)
        {
            var fixedArguments = tapMajor is null ? 3 : 4;
            Span<long> values = stackalloc long[fixedArguments + 13];
            values[0] = (long)target;
            values[1] = (long)source;
            values[2] = images;
            if (tapMajor is { } major) { values[3] = major ? 1 : 0; }
            _geometry.CopyTo(values[fixedArguments..]);
            Launch(_function, _step.Grid, values, tapMajor is null ? "col2im" : "im2col");
        }

        /// <summary>Regroups <paramref name="images"/> images' output gradients channel-major for the filter gradient's GEMM.</summary>
        private void RunChannelMajor(ulong target, ulong source, long images)
        {
            // stackalloc, as every launch here: a training step allocates no managed memory.
            Span<long> values = stackalloc long[5];
            (values[0], values[1], values[2], values[3], values[4]) = ((long)target, (long)source, images, _filters, _positions);
            Launch(_channelMajor, _step.ChannelMajorGrid, values, "output gradients channel-major");
        }

        private void Launch(nint function, uint grid, Span<long> values, string what)
        {
            var slots = stackalloc nint[values.Length];
            fixed (long* v = values)
            {
                for (var i = 0; i < values.Length; i++) { slots[i] = (nint)(v + i); }
                var d = Backend.Driver;
                d.Check(d.cuLaunchKernel(function, grid, 1, 1, CudaCodeGenerator.BlockSize, 1, 1, 0, Backend.Stream, (void**)slots, null), $"cuLaunchKernel ({what})");
            }
        }

        /// <summary>
        /// Row-major C = op(A)·op(B) (M × N, inner K) for each of <paramref name="batches"/> operand sets a fixed stride
        /// apart (stride 0: shared); as in <see cref="GemmKernel"/>, computed on column-major cuBLAS as Cᵀ = op(B)ᵀ·op(A)ᵀ.
        /// </summary>
        private void Gemm(bool transposeA, bool transposeB, long m, long n, long k, ulong a, long lda, long strideA, ulong b, long ldb, long strideB,
                          ulong c, long strideC, double beta, long batches)
        {
            var blas = Backend.Blas;
            int opA = transposeA ? Cublas.OpT : Cublas.OpN, opB = transposeB ? Cublas.OpT : Cublas.OpN;
            if (_step.DType == DType.Float32)
            {
                float alphaF = 1, betaF = (float)beta;
                Cublas.Check(blas.cublasSgemmStridedBatched(Backend.BlasHandle, opB, opA, (int)n, (int)m, (int)k, &alphaF, b, (int)ldb, strideB, a, (int)lda, strideA,
                                                            &betaF, c, (int)n, strideC, (int)batches), "cublasSgemmStridedBatched (convolution)");
            }
            else
            {
                double alphaD = 1, betaD = beta;
                Cublas.Check(blas.cublasDgemmStridedBatched(Backend.BlasHandle, opB, opA, (int)n, (int)m, (int)k, &alphaD, b, (int)ldb, strideB, a, (int)lda, strideA,
                                                            &betaD, c, (int)n, strideC, (int)batches), "cublasDgemmStridedBatched (convolution)");
            }
        }

        public void Dispose()
        {
            _columns.Dispose();
            _gradients?.Dispose();
        }
    }
}
