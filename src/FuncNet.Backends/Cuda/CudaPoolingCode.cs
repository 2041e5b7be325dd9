namespace FuncNet.Backends.Cuda;

/// <summary>
/// CUDA C for 2-D pooling over planes (N·C of them) of H × W, one thread per output (or, for gradients, per input)
/// element, with the reference kernels' rules: padding never wins a max and is not counted in a mean; the max's
/// derivative goes to each window's first maximum in row-major order (a NaN wins). Gradients are gathers (each input
/// element sums the windows that chose or cover it), so they need no atomics. Compiled to PTX by NVRTC in CI; not
/// yet run on a device.
/// </summary>
internal static class CudaPoolingCode
{
    private const string Geometry =
        "long long planes, long long h, long long w, long long oh, long long ow, long long kernel_h, long long kernel_w, " +
        "long long stride_h, long long stride_w, long long pad_top, long long pad_left";

    // The flat index (within its plane) of a window's first maximum; shared by every max-pooling kernel.
    private const string Winner = """
        __device__ long long winner(const real* p, long long y, long long x, long long h, long long w, long long kernel_h, long long kernel_w,
                                    long long stride_h, long long stride_w, long long pad_top, long long pad_left)
        {
            const long long top = y * stride_h - pad_top, left = x * stride_w - pad_left;
            long long best = -1;
            for (long long hi = top < 0 ? 0 : top; hi < top + kernel_h && hi < h; ++hi)
            {
                for (long long wi = left < 0 ? 0 : left; wi < left + kernel_w && wi < w; ++wi)
                {
                    const long long i = hi * w + wi;
                    if (best < 0 || (p[best] == p[best] && (p[i] > p[best] || p[i] != p[i]))) { best = i; }
                }
            }
            return best;
        }

        """;

    private static string Open(DType dtype, string entry) =>
        $"namespace {entry}_ns {{\ntypedef {CudaCodeGenerator.CType(dtype)} real;\n";

    /// <summary><c>entry(out, in, geometry…)</c>: the maximum of each window.</summary>
    public static string MaxPoolForward(DType dtype, string entry = CudaCodeGenerator.Entry) => Open(dtype, entry) + Winner + $$"""
        extern "C" __global__ void {{entry}}(real* __restrict__ out, const real* __restrict__ in, {{Geometry}})
        {
            for (long long idx = (long long)blockIdx.x * blockDim.x + threadIdx.x; idx < planes * oh * ow; idx += (long long)blockDim.x * gridDim.x)
            {
                const real* p = in + (idx / (oh * ow)) * h * w;
                out[idx] = p[winner(p, (idx / ow) % oh, idx % ow, h, w, kernel_h, kernel_w, stride_h, stride_w, pad_top, pad_left)];
            }
        }
        }

        """;

    /// <summary><c>entry(out, in, values, geometry…)</c>: values read at each window's winner in the input (the forward derivative).</summary>
    public static string MaxPoolSelect(DType dtype, string entry = CudaCodeGenerator.Entry) => Open(dtype, entry) + Winner + $$"""
        extern "C" __global__ void {{entry}}(real* __restrict__ out, const real* __restrict__ in, const real* __restrict__ values, {{Geometry}})
        {
            for (long long idx = (long long)blockIdx.x * blockDim.x + threadIdx.x; idx < planes * oh * ow; idx += (long long)blockDim.x * gridDim.x)
            {
                const long long base = (idx / (oh * ow)) * h * w;
                out[idx] = values[base + winner(in + base, (idx / ow) % oh, idx % ow, h, w, kernel_h, kernel_w, stride_h, stride_w, pad_top, pad_left)];
            }
        }
        }

        """;

    /// <summary><c>entry(dx, in, dy, geometry…)</c>: each input element, the sum of the output gradients of the windows it won.</summary>
    public static string MaxPoolGradient(DType dtype, string entry = CudaCodeGenerator.Entry) => Open(dtype, entry) + Winner + $$"""
        extern "C" __global__ void {{entry}}(real* __restrict__ dx, const real* __restrict__ in, const real* __restrict__ dy, {{Geometry}})
        {
            for (long long idx = (long long)blockIdx.x * blockDim.x + threadIdx.x; idx < planes * h * w; idx += (long long)blockDim.x * gridDim.x)
            {
                const long long plane = idx / (h * w), local = idx % (h * w), hi = local / w, wi = local % w;
                const real* p = in + plane * h * w;
                real sum = (real)0;
                for (long long y = 0; y < oh; ++y)
                {
                    const long long top = y * stride_h - pad_top;
                    if (hi < top || hi >= top + kernel_h) { continue; }
                    for (long long x = 0; x < ow; ++x)
                    {
                        const long long left = x * stride_w - pad_left;
                        if (wi < left || wi >= left + kernel_w) { continue; }
                        if (winner(p, y, x, h, w, kernel_h, kernel_w, stride_h, stride_w, pad_top, pad_left) == local) { sum += dy[(plane * oh + y) * ow + x]; }
                    }
                }
                dx[idx] = sum;
            }
        }
        }

        """;

    // The number of real (unpadded) positions in a window.
    private const string Count = """
        __device__ long long count(long long y, long long x, long long h, long long w, long long kernel_h, long long kernel_w,
                                   long long stride_h, long long stride_w, long long pad_top, long long pad_left)
        {
            const long long top = y * stride_h - pad_top, left = x * stride_w - pad_left;
            const long long rows = (top + kernel_h < h ? top + kernel_h : h) - (top < 0 ? 0 : top);
            const long long cols = (left + kernel_w < w ? left + kernel_w : w) - (left < 0 ? 0 : left);
            return rows * cols;
        }

        """;

    /// <summary><c>entry(out, in, geometry…)</c>: the mean of each window's real positions.</summary>
    public static string AvgPoolForward(DType dtype, string entry = CudaCodeGenerator.Entry) => Open(dtype, entry) + Count + $$"""
        extern "C" __global__ void {{entry}}(real* __restrict__ out, const real* __restrict__ in, {{Geometry}})
        {
            for (long long idx = (long long)blockIdx.x * blockDim.x + threadIdx.x; idx < planes * oh * ow; idx += (long long)blockDim.x * gridDim.x)
            {
                const long long y = (idx / ow) % oh, x = idx % ow, top = y * stride_h - pad_top, left = x * stride_w - pad_left;
                const real* p = in + (idx / (oh * ow)) * h * w;
                real sum = (real)0;
                for (long long hi = top < 0 ? 0 : top; hi < top + kernel_h && hi < h; ++hi)
                {
                    for (long long wi = left < 0 ? 0 : left; wi < left + kernel_w && wi < w; ++wi) { sum += p[hi * w + wi]; }
                }
                out[idx] = sum / (real)count(y, x, h, w, kernel_h, kernel_w, stride_h, stride_w, pad_top, pad_left);
            }
        }
        }

        """;

    /// <summary><c>entry(dx, dy, geometry…)</c>: each input element, the sum of the shares of the windows that cover it.</summary>
    public static string AvgPoolGradient(DType dtype, string entry = CudaCodeGenerator.Entry) => Open(dtype, entry) + Count + $$"""
        extern "C" __global__ void {{entry}}(real* __restrict__ dx, const real* __restrict__ dy, {{Geometry}})
        {
            for (long long idx = (long long)blockIdx.x * blockDim.x + threadIdx.x; idx < planes * h * w; idx += (long long)blockDim.x * gridDim.x)
            {
                const long long plane = idx / (h * w), hi = (idx % (h * w)) / w, wi = idx % w;
                real sum = (real)0;
                for (long long y = 0; y < oh; ++y)
                {
                    const long long top = y * stride_h - pad_top;
                    if (hi < top || hi >= top + kernel_h) { continue; }
                    for (long long x = 0; x < ow; ++x)
                    {
                        const long long left = x * stride_w - pad_left;
                        if (wi < left || wi >= left + kernel_w) { continue; }
                        sum += dy[(plane * oh + y) * ow + x] / (real)count(y, x, h, w, kernel_h, kernel_w, stride_h, stride_w, pad_top, pad_left);
                    }
                }
                dx[idx] = sum;
            }
        }
        }

        """;
}
