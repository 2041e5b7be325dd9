namespace FuncNet.Backends.Cuda;

/// <summary>
/// CUDA C for convolution as im2col + cuBLAS GEMM (the CPU backend's managed scheme, <c>Cpu/Im2Col</c>), over a chunk of
/// images at once so one GEMM per chunk (per group) does the work: im2col writes the (C·R·S) × (OH·OW) column matrix
/// of each image, either image after image (forward) or, for the filter gradient, tap-major with the images'
/// positions side by side in each row, so one GEMM's inner dimension runs over images × positions. col2im is
/// im2col's adjoint written as a gather (each image element sums the column entries that read it), so it needs no
/// atomics and is deterministic. Geometry arrives as kernel arguments, so one compiled kernel per dtype serves every
/// shape. Compiled to PTX by NVRTC in CI; not yet run on a device.
/// </summary>
internal static class CudaConvolutionCode
{
    // The geometry every column kernel receives, in Conv2DGeometry's terms; channels are those of all groups.
    private const string Geometry =
        "long long channels, long long h, long long w, long long r, long long s, long long oh, long long ow, " +
        "long long stride_h, long long stride_w, long long pad_top, long long pad_left, long long dilation_h, long long dilation_w";

    /// <summary>
    /// <c>entry(columns, image, images, tap_major, geometry…)</c>: the column matrices of <c>images</c> consecutive
    /// images, as [image][tap][position] or, when tap_major is nonzero, [tap][image][position].
    /// </summary>
    public static string Im2Col(DType dtype, string entry = CudaCodeGenerator.Entry) => $$"""
        namespace {{entry}}_ns {
        typedef {{CudaCodeGenerator.CType(dtype)}} real;
        extern "C" __global__ void {{entry}}(real* __restrict__ columns, const real* __restrict__ image, long long images, long long tap_major, {{Geometry}})
        {
            const long long plane = oh * ow, taps = channels * r * s, total = images * taps * plane;
            for (long long idx = (long long)blockIdx.x * blockDim.x + threadIdx.x; idx < total; idx += (long long)blockDim.x * gridDim.x)
            {
                const long long x = idx % ow, y = (idx / ow) % oh;
                const long long n = tap_major ? (idx / plane) % images : idx / (taps * plane);
                const long long tap = tap_major ? idx / (images * plane) : (idx / plane) % taps;
                const long long j = tap % s, i = (tap / s) % r, c = tap / (r * s);
                const long long hi = y * stride_h - pad_top + i * dilation_h, wi = x * stride_w - pad_left + j * dilation_w;
                columns[idx] = (hi >= 0 && hi < h && wi >= 0 && wi < w) ? image[((n * channels + c) * h + hi) * w + wi] : (real)0;
            }
        }
        }

        """;

    /// <summary><c>entry(image, columns, images, geometry…)</c>: each element of <c>images</c> consecutive images, the sum of the column entries (image-major) that read it.</summary>
    public static string Col2Im(DType dtype, string entry = CudaCodeGenerator.Entry) => $$"""
        namespace {{entry}}_ns {
        typedef {{CudaCodeGenerator.CType(dtype)}} real;
        extern "C" __global__ void {{entry}}(real* __restrict__ image, const real* __restrict__ columns, long long images, {{Geometry}})
        {
            const long long plane = oh * ow, total = images * channels * h * w;
            for (long long idx = (long long)blockIdx.x * blockDim.x + threadIdx.x; idx < total; idx += (long long)blockDim.x * gridDim.x)
            {
                const long long wi = idx % w, hi = (idx / w) % h, c = (idx / (h * w)) % channels, n = idx / (channels * h * w);
                const real* p = columns + n * channels * r * s * plane;
                real sum = (real)0;
                for (long long i = 0; i < r; ++i)
                {
                    const long long ys = hi + pad_top - i * dilation_h;
                    if (ys < 0 || ys % stride_h != 0 || ys / stride_h >= oh) { continue; }
                    for (long long j = 0; j < s; ++j)
                    {
                        const long long xs = wi + pad_left - j * dilation_w;
                        if (xs < 0 || xs % stride_w != 0 || xs / stride_w >= ow) { continue; }
                        sum += p[((c * r + i) * s + j) * plane + (ys / stride_h) * ow + xs / stride_w];
                    }
                }
                image[idx] = sum;
            }
        }
        }

        """;

    /// <summary>
    /// <c>entry(out, in, images, channels, plane)</c>: output gradients [image][channel][position] regrouped as
    /// [channel][image][position], so the filter gradient's GEMM reads each channel's images × positions as one row.
    /// </summary>
    public static string ChannelMajor(DType dtype, string entry = CudaCodeGenerator.Entry) => $$"""
        namespace {{entry}}_ns {
        typedef {{CudaCodeGenerator.CType(dtype)}} real;
        extern "C" __global__ void {{entry}}(real* __restrict__ out, const real* __restrict__ in, long long images, long long channels, long long plane)
        {
            const long long total = images * channels * plane;
            for (long long idx = (long long)blockIdx.x * blockDim.x + threadIdx.x; idx < total; idx += (long long)blockDim.x * gridDim.x)
            {
                const long long position = idx % plane, n = (idx / plane) % images, k = idx / (plane * images);
                out[idx] = in[(n * channels + k) * plane + position];
            }
        }
        }

        """;
}
