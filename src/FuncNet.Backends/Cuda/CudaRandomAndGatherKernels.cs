using FuncNet.Expressions;
using FuncNet.Lowering;

namespace FuncNet.Backends.Cuda;

/// <summary>
/// CUDA C for the random ops (<see cref="RandomKind"/>, planned by <see cref="CudaKernelPlanner"/>) and for
/// gather/scatter (<see cref="GatherKind"/>). The draws state Philox4x32-10 exactly as <c>Philox</c> in Core does
/// (same rounds, counters and bit-to-float conversions), so a GPU draws the Reference backend's bits. The gathers
/// check every index against the axis length and record the first bad one in a device status word instead of
/// following it, so no thread reads or writes outside a buffer and the host can raise the CPU's
/// <see cref="IndexException"/> later (<see cref="CudaIndexChecks"/>). They compile to PTX in CI; unverified on hardware.
/// </summary>
internal static class CudaRandomAndGatherKernels
{
    /// <summary>The distributions a draw kernel can produce.</summary>
    internal enum Draw { Uniform, Normal, Bernoulli }

    /// <summary>Philox4x32-10 and the uniform conversions, guarded so several kernels share a translation unit.</summary>
    public const string PhiloxPrelude = """
        #ifndef FUNCNET_PHILOX
        #define FUNCNET_PHILOX
        struct funcnet_words { unsigned int w0, w1, w2, w3; };
        __device__ __forceinline__ funcnet_words funcnet_philox(unsigned int k0, unsigned int k1, unsigned int c0, unsigned int c1, unsigned int c2, unsigned int c3)
        {
            for (int round = 0; round < 10; ++round)
            {
                const unsigned long long p0 = (unsigned long long)0xD2511F53u * c0;
                const unsigned long long p1 = (unsigned long long)0xCD9E8D57u * c2;
                const unsigned int n0 = (unsigned int)(p1 >> 32) ^ c1 ^ k0;
                const unsigned int n2 = (unsigned int)(p0 >> 32) ^ c3 ^ k1;
                c1 = (unsigned int)p1; c3 = (unsigned int)p0; c0 = n0; c2 = n2;
                k0 += 0x9E3779B9u; k1 += 0xBB67AE85u;
            }
            funcnet_words w = { c0, c1, c2, c3 };
            return w;
        }
        __device__ __forceinline__ double funcnet_uniform24(unsigned int w) { return (double)(w >> 8) * (1.0 / 16777216.0); }
        __device__ __forceinline__ double funcnet_uniform53(unsigned int hi, unsigned int lo)
        {
            return (double)(((unsigned long long)(hi >> 5) << 26) | (unsigned long long)(lo >> 6)) * (1.0 / 9007199254740992.0);
        }
        #endif

        """;

    /// <summary>
    /// A draw: <c>entry(out, key, perKey, total)</c> writes element i of key k at k · perKey + i, from the Philox
    /// block of counter (i, 0, draw stream, 0) under key k (two Int32 words per key).
    /// </summary>
    public static string DrawKernel(Draw draw, DType dtype, double probability = 0, string entry = CudaCodeGenerator.Entry)
    {
        var t = CudaCodeGenerator.CType(dtype);
        var f32 = dtype == DType.Float32;
        var value = draw switch
        {
            Draw.Uniform => f32 ? "funcnet_uniform24(w.w0)" : "funcnet_uniform53(w.w0, w.w1)",
            Draw.Normal => f32
                ? "sqrt(-2.0 * log(1.0 - funcnet_uniform24(w.w0))) * cos(2.0 * 3.141592653589793 * funcnet_uniform24(w.w1))"
                : "sqrt(-2.0 * log(1.0 - funcnet_uniform53(w.w0, w.w1))) * cos(2.0 * 3.141592653589793 * funcnet_uniform53(w.w2, w.w3))",
            _ => $"(funcnet_uniform53(w.w0, w.w1) < {CudaCodeGenerator.Constant(probability, "double")} ? 1.0 : 0.0)",
        };
        return $$"""
            namespace {{entry}}_ns {
            extern "C" __global__ void {{entry}}({{t}}* __restrict__ out, const int* __restrict__ key, long long perKey, long long total)
            {
                for (long long idx = (long long)blockIdx.x * blockDim.x + threadIdx.x; idx < total; idx += (long long)blockDim.x * gridDim.x)
                {
                    const long long k = idx / perKey;
                    const funcnet_words w = funcnet_philox((unsigned int)key[2 * k], (unsigned int)key[2 * k + 1], (unsigned int)(idx - k * perKey), 0u, {{Philox.DrawStream}}u, 0u);
                    out[idx] = ({{t}})({{value}});
                }
            }
            }

            """;
    }

    /// <summary>Key splitting: <c>entry(out, key, count, total)</c> writes child j of key k as words 0 and 1 of counter (j, 0, split stream, 0).</summary>
    public static string SplitKernel(string entry = CudaCodeGenerator.Entry) => $$"""
        namespace {{entry}}_ns {
        extern "C" __global__ void {{entry}}(int* __restrict__ out, const int* __restrict__ key, long long count, long long total)
        {
            for (long long idx = (long long)blockIdx.x * blockDim.x + threadIdx.x; idx < total; idx += (long long)blockDim.x * gridDim.x)
            {
                const long long k = idx / count;
                const funcnet_words w = funcnet_philox((unsigned int)key[2 * k], (unsigned int)key[2 * k + 1], (unsigned int)(idx - k * count), 0u, {{Philox.SplitStream}}u, 0u);
                out[2 * idx] = (int)w.w0;
                out[2 * idx + 1] = (int)w.w1;
            }
        }
        }

        """;

    /// <summary>
    /// Gather (or, with <paramref name="scatter"/>, its adjoint ScatterAdd into a zeroed out) over the layout
    /// [batch, outer, length, inner] / [batch, count]: <c>entry(out, status, in, indices, batch, outer, length,
    /// inner, count)</c>, for float and Int32 elements. Every index is checked, whether or not an element moves
    /// through it (x may be empty along another axis); an index outside [0, length) is never followed: its elements
    /// are skipped, and the thread lowers <c>*status</c> with atomicMin to (position &lt;&lt; 32) | index, so the word
    /// ends as the smallest bad position with its index (all ones when every index was in range). The word is
    /// sticky, so a bad index is reported even when later runs overwrite nothing; <see cref="CudaIndexChecks"/>
    /// raises it at the next synchronization.
    /// </summary>
    public static string GatherKernel(DType dtype, bool scatter, string entry = CudaCodeGenerator.Entry)
    {
        var t = CudaCodeGenerator.CType(dtype);
        // Scatter-add's updates may repeat an index: atomics combine them (exact for Int32; Float32 and Float64 sums
        // depend on the order the device runs them in).
        var move = scatter
            ? "atomicAdd(&out[((b * outer + o) * length + j) * inner + i], in[idx]);"
            : "out[idx] = in[((b * outer + o) * length + j) * inner + i];";
        return $$"""
            namespace {{entry}}_ns {
            extern "C" __global__ void {{entry}}({{t}}* __restrict__ out, unsigned long long* __restrict__ status, const {{t}}* __restrict__ in,
                const int* __restrict__ indices, long long batch, long long outer, long long length, long long inner, long long count)
            {
                const long long first = (long long)blockIdx.x * blockDim.x + threadIdx.x, step = (long long)blockDim.x * gridDim.x;
                for (long long position = first; position < batch * count; position += step)
                {
                    const int j = indices[position];
                    if (j < 0 || j >= length) { atomicMin(status, ((unsigned long long)position << 32) | (unsigned int)j); }
                }
                const long long total = batch * outer * count * inner;
                for (long long idx = first; idx < total; idx += step)
                {
                    const long long i = idx % inner;
                    const long long kk = (idx / inner) % count;
                    const long long o = (idx / (inner * count)) % outer;
                    const long long b = idx / (inner * count * outer);
                    const int j = indices[b * count + kk];
                    if (j < 0 || j >= length) { continue; }
                    {{move}}
                }
            }
            }

            """;
    }
}
