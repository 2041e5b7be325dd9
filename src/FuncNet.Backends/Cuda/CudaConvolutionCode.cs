namespace FuncNet.Backends.Cuda;

/// <summary>
/// CUDA C for convolution as im2col + cuBLAS GEMM (the CPU backend's managed scheme, <c>Cpu/Im2Col</c>): im2col
/// writes the (C/groups·R·S) × (OH·OW) column matrix of one image group, and col2im is its adjoint written as a
/// gather (each image element sums the column entries that read it), so it needs no atomics and is deterministic.
/// Geometry arrives as kernel arguments, so one compiled kernel per dtype serves every shape. Compiled to PTX by
/// NVRTC in CI; not yet run on a device.
/// </summary>
internal static class CudaConvolutionCode
{
    // The geometry every kernel receives, in Conv2DGeometry's terms; channels are those of one group.
    private const string Geometry =
        "long long channels, long long h, long long w, long long r, long long s, long long oh, long long ow, " +
        "long long stride_h, long long stride_w, long long pad_top, long long pad_left, long long dilation_h, long long dilation_w";

    /// <summary><c>entry(columns, image, geometry…)</c>: the column matrix of one image group.</summary>
    public static string Im2Col(DType dtype, string entry = CudaCodeGenerator.Entry) => $$"""
        namespace {{entry}}_ns {
        typedef {{CudaCodeGenerator.CType(dtype)}} real;
        extern "C" __global__ void {{entry}}(real* __restrict__ columns, const real* __restrict__ image, {{Geometry}})
        {
            const long long plane = oh * ow, total = channels * r * s * plane;
            for (long long idx = (long long)blockIdx.x * blockDim.x + threadIdx.x; idx < total; idx += (long long)blockDim.x * gridDim.x)
            {
                const long long x = idx % ow, y = (idx / ow) % oh, tap = idx / plane;
                const long long j = tap % s, i = (tap / s) % r, c = tap / (r * s);
                const long long hi = y * stride_h - pad_top + i * dilation_h, wi = x * stride_w - pad_left + j * dilation_w;
                columns[idx] = (hi >= 0 && hi < h && wi >= 0 && wi < w) ? image[(c * h + hi) * w + wi] : (real)0;
            }
        }
        }

        """;

    /// <summary><c>entry(image, columns, geometry…)</c>: each image element of one group, the sum of the column entries that read it.</summary>
    public static string Col2Im(DType dtype, string entry = CudaCodeGenerator.Entry) => $$"""
        namespace {{entry}}_ns {
        typedef {{CudaCodeGenerator.CType(dtype)}} real;
        extern "C" __global__ void {{entry}}(real* __restrict__ image, const real* __restrict__ columns, {{Geometry}})
        {
            const long long plane = oh * ow, total = channels * h * w;
            for (long long idx = (long long)blockIdx.x * blockDim.x + threadIdx.x; idx < total; idx += (long long)blockDim.x * gridDim.x)
            {
                const long long wi = idx % w, hi = (idx / w) % h, c = idx / (h * w);
                real sum = (real)0;
                for (long long i = 0; i < r; ++i)
                {
                    const long long ys = hi + pad_top - i * dilation_h;
                    if (ys < 0 || ys % stride_h != 0 || ys / stride_h >= oh) { continue; }
                    for (long long j = 0; j < s; ++j)
                    {
                        const long long xs = wi + pad_left - j * dilation_w;
                        if (xs < 0 || xs % stride_w != 0 || xs / stride_w >= ow) { continue; }
                        sum += columns[((c * r + i) * s + j) * plane + (ys / stride_h) * ow + xs / stride_w];
                    }
                }
                image[idx] = sum;
            }
        }
        }

        """;
}
