using System.Globalization;
using System.Text;

namespace FuncNet.Backends.Cuda;

/// <summary>
/// Writes CUDA C for the backend's kernels. Elementwise kernels translate an op's <see cref="ScalarExpr"/>
/// formula, the same one the Reference backend interprets and the CPU backend compiles to SIMD, so the
/// three agree by construction. Every kernel is a prelude (shared helpers, guarded so several kernels can
/// share one translation unit) plus a body in its own namespace with one <c>extern "C"</c> entry point;
/// launch geometry is a grid-stride loop, so any grid size is correct.
/// </summary>
internal static class CudaCodeGenerator
{
    /// <summary>The entry point's name in a kernel compiled on its own.</summary>
    public const string Entry = "funcnet_kernel";

    /// <summary>Threads per block for every generated kernel; reductions assume this power of two.</summary>
    public const int BlockSize = 256;

    /// <summary>
    /// Helpers every kernel may use. Max/min propagate NaN like the Reference backend (fmaxf alone would
    /// drop it); the int conversion saturates and maps NaN to 0 like <see cref="DTypeExtensions.Round"/>.
    /// </summary>
    public const string Prelude = """
        #ifndef FUNCNET_PRELUDE
        #define FUNCNET_PRELUDE
        struct funcnet_strides { long long rank; long long dims[8]; long long strides[8]; };
        __device__ __forceinline__ long long funcnet_offset(const funcnet_strides& s, long long i)
        {
            long long offset = 0;
            for (int a = (int)s.rank - 1; a >= 0; --a) { long long d = s.dims[a]; offset += (i % d) * s.strides[a]; i /= d; }
            return offset;
        }
        __device__ __forceinline__ float funcnet_max(float a, float b) { return (a != a || b != b) ? a + b : fmaxf(a, b); }
        __device__ __forceinline__ double funcnet_max(double a, double b) { return (a != a || b != b) ? a + b : fmax(a, b); }
        __device__ __forceinline__ float funcnet_min(float a, float b) { return (a != a || b != b) ? a + b : fminf(a, b); }
        __device__ __forceinline__ double funcnet_min(double a, double b) { return (a != a || b != b) ? a + b : fmin(a, b); }
        __device__ __forceinline__ float funcnet_sign(float a) { return a != a ? a : (float)((a > 0.0f) - (a < 0.0f)); }
        __device__ __forceinline__ double funcnet_sign(double a) { return a != a ? a : (double)((a > 0.0) - (a < 0.0)); }
        __device__ __forceinline__ int funcnet_to_int(double a) { return a != a ? 0 : a >= 2147483647.0 ? 2147483647 : a <= -2147483648.0 ? (-2147483647 - 1) : (int)a; }
        __device__ __forceinline__ float funcnet_lowest(float) { return __int_as_float(0xff800000); }
        __device__ __forceinline__ double funcnet_lowest(double) { return __longlong_as_double(0xfff0000000000000LL); }
        #endif

        """;

    /// <summary>The C type of a dtype's elements.</summary>
    public static string CType(DType dtype) => dtype switch
    {
        DType.Float32 => "float",
        DType.Float64 => "double",
        _ => "int",
    };

    /// <summary>
    /// The type a formula is evaluated in: float when everything is Float32 (as the CPU backend does), else
    /// double (Float64, Int32 inputs, and casts), which holds every Int32 exactly.
    /// </summary>
    public static string ComputeType(IReadOnlyList<DType> inputs, DType output) =>
        output == DType.Float32 && inputs.All(d => d == DType.Float32) ? "float" : "double";

    /// <summary>
    /// Emits <paramref name="formula"/> as one assignment per distinct sub-formula (by canonical text, so
    /// shared sub-formulas are computed once) and returns the name holding the result.
    /// </summary>
    public static string EmitFormula(ScalarExpr formula, string type, IReadOnlyList<string> args, StringBuilder body, string indent)
    {
        var names = new Dictionary<string, string>();
        return Emit(formula);

        string Emit(ScalarExpr e)
        {
            switch (e)
            {
                case ScalarArg a:
                    return args[a.Index];
                case ScalarConst c:
                    return Constant(c.Value, type);
            }
            var call = (ScalarCall)e;
            var key = call.ToString();
            if (names.TryGetValue(key, out var known)) { return known; }
            var x = call.Args.Select(Emit).ToArray();
            var name = "t" + names.Count.ToString(CultureInfo.InvariantCulture);
            names[key] = name;
            body.Append(indent).Append("const ").Append(type).Append(' ').Append(name).Append(" = ").Append(Primitive(call.Fn, x, type)).Append(";\n");
            return name;
        }
    }

    /// <summary>A constant as a C expression of <paramref name="type"/>; non-finite values by their bits.</summary>
    public static string Constant(double value, string type)
    {
        if (!double.IsFinite(value))
        {
            var bits = BitConverter.DoubleToInt64Bits(value);
            return $"(({type})__longlong_as_double({bits.ToString(CultureInfo.InvariantCulture)}LL))";
        }
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        if (!text.Contains('.') && !text.Contains('E')) { text += ".0"; }
        return type == "float" ? $"({text.Replace('E', 'e')}f)" : $"(({type}){text})";
    }

    /// <summary>The C expression of one primitive on already-named arguments.</summary>
    public static string Primitive(ScalarFn fn, IReadOnlyList<string> a, string type)
    {
        var f = type == "float" ? "f" : "";
        string Cmp(string op) => $"({a[0]} {op} {a[1]} ? ({type})1 : ({type})0)";
        return fn switch
        {
            ScalarFn.Add => $"{a[0]} + {a[1]}",
            ScalarFn.Subtract => $"{a[0]} - {a[1]}",
            ScalarFn.Multiply => $"{a[0]} * {a[1]}",
            ScalarFn.Divide => $"{a[0]} / {a[1]}",
            ScalarFn.Negate => $"-({a[0]})",
            ScalarFn.Exp => $"exp{f}({a[0]})",
            ScalarFn.Log => $"log{f}({a[0]})",
            ScalarFn.Log1p => $"log1p{f}({a[0]})",
            ScalarFn.Sqrt => $"sqrt{f}({a[0]})",
            ScalarFn.Abs => $"fabs{f}({a[0]})",
            ScalarFn.Tanh => $"tanh{f}({a[0]})",
            ScalarFn.Pow => $"pow{f}({a[0]}, {a[1]})",
            ScalarFn.Max => $"funcnet_max({a[0]}, {a[1]})",
            ScalarFn.Min => $"funcnet_min({a[0]}, {a[1]})",
            ScalarFn.Sign => $"funcnet_sign({a[0]})",
            ScalarFn.Sin => $"sin{f}({a[0]})",
            ScalarFn.Cos => $"cos{f}({a[0]})",
            ScalarFn.Expm1 => $"expm1{f}({a[0]})",
            ScalarFn.Erf => $"erf{f}({a[0]})",
            ScalarFn.Floor => $"floor{f}({a[0]})",
            // rint rounds in the default mode, to nearest with halves to even, as Round must; CUDA's round() takes halves away from zero.
            ScalarFn.Round => $"rint{f}({a[0]})",
            ScalarFn.Less => Cmp("<"),
            ScalarFn.LessEqual => Cmp("<="),
            ScalarFn.Greater => Cmp(">"),
            ScalarFn.GreaterEqual => Cmp(">="),
            ScalarFn.Equal => Cmp("=="),
            ScalarFn.NotEqual => Cmp("!="),
            ScalarFn.Select => $"({a[0]} != ({type})0 ? {a[1]} : {a[2]})",
            _ => throw new NotSupportedException($"The CUDA code generator has no translation of {fn}."),
        };
    }

    /// <summary>
    /// A fused elementwise kernel: <c>entry(out, in0, …, n, inner, strides of each strided input…)</c>
    /// computing out[i] = formula(inputs read by their layouts) for i in [0, n).
    /// </summary>
    public static string Elementwise(ScalarExpr formula, IReadOnlyList<DType> inputs, IReadOnlyList<CudaLayout> layouts, DType output, string entry = Entry)
    {
        var type = ComputeType(inputs, output);
        var sb = new StringBuilder();
        sb.Append("namespace ").Append(entry).Append("_ns {\n");
        sb.Append("extern \"C\" __global__ void ").Append(entry).Append('(').Append(CType(output)).Append("* __restrict__ out");
        for (var k = 0; k < inputs.Count; k++) { sb.Append(", const ").Append(CType(inputs[k])).Append("* __restrict__ in").Append(k); }
        sb.Append(", long long n, long long inner");
        for (var k = 0; k < inputs.Count; k++)
        {
            if (layouts[k] == CudaLayout.Strided) { sb.Append(", funcnet_strides s").Append(k); }
        }
        sb.Append(")\n{\n");
        sb.Append("    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)blockDim.x * gridDim.x)\n    {\n");
        var args = new string[inputs.Count];
        for (var k = 0; k < inputs.Count; k++)
        {
            var index = layouts[k] switch
            {
                CudaLayout.Full => "i",
                CudaLayout.Row => "i % inner",
                CudaLayout.Column => "i / inner",
                CudaLayout.Scalar => "0",
                _ => $"funcnet_offset(s{k}, i)",
            };
            args[k] = "x" + k;
            sb.Append("        const ").Append(type).Append(" x").Append(k).Append(" = (").Append(type).Append(")in").Append(k).Append('[').Append(index).Append("];\n");
        }
        var result = EmitFormula(formula, type, args, sb, "        ");
        sb.Append("        out[i] = ").Append(output == DType.Int32 ? $"funcnet_to_int((double){result})" : $"({CType(output)}){result}").Append(";\n");
        sb.Append("    }\n}\n}\n");
        return sb.ToString();
    }

    /// <summary>
    /// A sum or max over the middle axis of an (outer, length, inner) view: <c>entry(out, in, outer, length, inner)</c>.
    /// With inner = 1 a block reduces each row in shared memory (a whole-tensor sum would otherwise run on
    /// one thread); otherwise a thread walks each output's column, reads coalesced across threads.
    /// </summary>
    public static string Reduction(DType dtype, bool max, bool rows, string entry = Entry)
    {
        var t = CType(dtype);
        var init = max ? "funcnet_lowest((real)0)" : "(real)0";
        var combine = max ? "funcnet_max(a, b)" : "a + b";
        var sb = new StringBuilder();
        sb.Append($"namespace {entry}_ns {{\ntypedef {t} real;\n");
        sb.Append($"__device__ __forceinline__ real combine(real a, real b) {{ return {combine}; }}\n");
        sb.Append($"extern \"C\" __global__ void {entry}(real* __restrict__ out, const real* __restrict__ in, long long outer, long long length, long long inner)\n{{\n");
        if (rows)
        {
            sb.Append($$"""
                    __shared__ real partial[{{BlockSize}}];
                    for (long long row = blockIdx.x; row < outer; row += gridDim.x)
                    {
                        const real* p = in + row * length;
                        real acc = {{init}};
                        for (long long r = threadIdx.x; r < length; r += blockDim.x) { acc = combine(acc, p[r]); }
                        partial[threadIdx.x] = acc;
                        __syncthreads();
                        for (int s = blockDim.x / 2; s > 0; s >>= 1)
                        {
                            if (threadIdx.x < s) { partial[threadIdx.x] = combine(partial[threadIdx.x], partial[threadIdx.x + s]); }
                            __syncthreads();
                        }
                        if (threadIdx.x == 0) { out[row] = partial[0]; }
                        __syncthreads();
                    }

                """);
        }
        else
        {
            sb.Append($$"""
                    for (long long idx = (long long)blockIdx.x * blockDim.x + threadIdx.x; idx < outer * inner; idx += (long long)blockDim.x * gridDim.x)
                    {
                        const real* p = in + (idx / inner) * length * inner + idx % inner;
                        real acc = {{init}};
                        for (long long r = 0; r < length; ++r) { acc = combine(acc, p[r * inner]); }
                        out[idx] = acc;
                    }

                """);
        }
        sb.Append("}\n}\n");
        return sb.ToString();
    }

    /// <summary>
    /// A sum or max over the outer and inner axes of an (outer, kept, inner) view (<see cref="FuncNet.Lowering.SplitReductionKind"/>,
    /// a per-channel bias gradient): <c>entry(out, in, outer, kept, inner)</c>. One block per kept index walks its
    /// outer × inner entries, each thread a fixed strided subset (reads coalesced along inner), then a shared-memory
    /// tree combines the threads. Every output's order of additions is fixed by the launch, so the sum is the same
    /// on every run: no atomics.
    /// </summary>
    public static string SplitReduction(DType dtype, bool max, string entry = Entry)
    {
        var init = max ? "funcnet_lowest((real)0)" : "(real)0";
        var combine = max ? "funcnet_max(a, b)" : "a + b";
        return $$"""
            namespace {{entry}}_ns {
            typedef {{CType(dtype)}} real;
            __device__ __forceinline__ real combine(real a, real b) { return {{combine}}; }
            extern "C" __global__ void {{entry}}(real* __restrict__ out, const real* __restrict__ in, long long outer, long long kept, long long inner)
            {
                __shared__ real partial[{{BlockSize}}];
                const long long entries = outer * inner;
                for (long long k = blockIdx.x; k < kept; k += gridDim.x)
                {
                    real acc = {{init}};
                    for (long long t = threadIdx.x; t < entries; t += blockDim.x) { acc = combine(acc, in[((t / inner) * kept + k) * inner + t % inner]); }
                    partial[threadIdx.x] = acc;
                    __syncthreads();
                    for (int s = blockDim.x / 2; s > 0; s >>= 1)
                    {
                        if (threadIdx.x < s) { partial[threadIdx.x] = combine(partial[threadIdx.x], partial[threadIdx.x + s]); }
                        __syncthreads();
                    }
                    if (threadIdx.x == 0) { out[k] = partial[0]; }
                    __syncthreads();
                }
            }
            }

            """;
    }

    /// <summary>
    /// Writes one value to every element: <c>entry(out, n, bits)</c>, where bits holds the value as a double's
    /// 64-bit pattern (an integer for Int32 outputs), so one compiled kernel serves every value.
    /// </summary>
    public static string Fill(DType dtype, string entry = Entry)
    {
        var t = CType(dtype);
        var value = dtype == DType.Int32 ? "(int)bits" : $"({t})__longlong_as_double(bits)";
        return $$"""
            namespace {{entry}}_ns {
            extern "C" __global__ void {{entry}}({{t}}* __restrict__ out, long long n, long long bits)
            {
                const {{t}} value = {{value}};
                for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)blockDim.x * gridDim.x) { out[i] = value; }
            }
            }

            """;
    }

    /// <summary>
    /// Softmax or log-softmax along the last axis, one block per row, stable (the row maximum is subtracted
    /// first): <c>entry(out, in, rows, length)</c>.
    /// </summary>
    public static string Softmax(DType dtype, bool log, string entry = Entry)
    {
        var t = CType(dtype);
        var f = dtype == DType.Float32 ? "f" : "";
        var write = log ? $"q[r] = (p[r] - m) - log{f}(s);" : $"q[r] = exp{f}(p[r] - m) / s;";
        return $$"""
            namespace {{entry}}_ns {
            typedef {{t}} real;
            // Reduces one value per thread to a value every thread of the block gets.
            __device__ real block_reduce(real v, real* partial, bool max)
            {
                partial[threadIdx.x] = v;
                __syncthreads();
                for (int s = blockDim.x / 2; s > 0; s >>= 1)
                {
                    if (threadIdx.x < s) { partial[threadIdx.x] = max ? funcnet_max(partial[threadIdx.x], partial[threadIdx.x + s]) : partial[threadIdx.x] + partial[threadIdx.x + s]; }
                    __syncthreads();
                }
                real result = partial[0];
                __syncthreads();
                return result;
            }
            extern "C" __global__ void {{entry}}(real* __restrict__ out, const real* __restrict__ in, long long rows, long long length)
            {
                __shared__ real partial[{{BlockSize}}];
                for (long long row = blockIdx.x; row < rows; row += gridDim.x)
                {
                    const real* p = in + row * length;
                    real* q = out + row * length;
                    real m = funcnet_lowest((real)0);
                    for (long long r = threadIdx.x; r < length; r += blockDim.x) { m = funcnet_max(m, p[r]); }
                    m = block_reduce(m, partial, true);
                    real s = (real)0;
                    for (long long r = threadIdx.x; r < length; r += blockDim.x) { s += exp{{f}}(p[r] - m); }
                    s = block_reduce(s, partial, false);
                    for (long long r = threadIdx.x; r < length; r += blockDim.x) { {{write}} }
                }
            }
            }

            """;
    }

    /// <summary>
    /// A copy through strides from a starting element (a slice): <c>entry(out, in, n, offset, strides)</c>
    /// computing out[i] = in[offset + Σ coordinate(i, a) · stride[a]].
    /// </summary>
    public static string OffsetCopy(DType dtype, string entry = Entry)
    {
        var t = CType(dtype);
        return $$"""
            namespace {{entry}}_ns {
            extern "C" __global__ void {{entry}}({{t}}* __restrict__ out, const {{t}}* __restrict__ in, long long n, long long offset, funcnet_strides s)
            {
                for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)blockDim.x * gridDim.x) { out[i] = in[offset + funcnet_offset(s, i)]; }
            }
            }

            """;
    }

    /// <summary>
    /// Inputs joined along an axis, seen as rows: <c>entry(out, in0, …, n, row, block0, …)</c>. Output row o is
    /// each input's row o in turn (block k elements of input k); a thread finds its input by walking the blocks.
    /// </summary>
    public static string Concat(DType dtype, int count, string entry = Entry)
    {
        var t = CType(dtype);
        var sb = new StringBuilder();
        sb.Append($"namespace {entry}_ns {{\nextern \"C\" __global__ void {entry}({t}* __restrict__ out");
        for (var k = 0; k < count; k++) { sb.Append($", const {t}* __restrict__ in{k}"); }
        sb.Append(", long long n, long long row");
        for (var k = 0; k < count; k++) { sb.Append($", long long b{k}"); }
        sb.Append(")\n{\n");
        sb.Append("    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)blockDim.x * gridDim.x)\n    {\n");
        sb.Append("        const long long o = i / row;\n        long long r = i % row;\n");
        for (var k = 0; k < count - 1; k++)
        {
            sb.Append($"        if (r < b{k}) {{ out[i] = in{k}[o * b{k} + r]; continue; }}\n        r -= b{k};\n");
        }
        sb.Append($"        out[i] = in{count - 1}[o * b{count - 1} + r];\n    }}\n}}\n}}\n");
        return sb.ToString();
    }

    /// <summary>
    /// A dense block written into zeros: <c>entry(out, in, n, shape, box)</c>, where shape holds the output's
    /// dimensions with the block's dense strides, and box holds the corner (in its dims) and the block's
    /// extents (in its strides). Each output element reads its block element, or writes 0 outside the box.
    /// </summary>
    public static string PadInto(DType dtype, string entry = Entry)
    {
        var t = CType(dtype);
        return $$"""
            namespace {{entry}}_ns {
            extern "C" __global__ void {{entry}}({{t}}* __restrict__ out, const {{t}}* __restrict__ in, long long n, funcnet_strides shape, funcnet_strides box)
            {
                for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)blockDim.x * gridDim.x)
                {
                    long long rest = i, source = 0;
                    bool inside = true;
                    for (int a = (int)shape.rank - 1; a >= 0; --a)
                    {
                        const long long c = rest % shape.dims[a] - box.dims[a];
                        rest /= shape.dims[a];
                        inside = inside && c >= 0 && c < box.strides[a];
                        source += c * shape.strides[a];
                    }
                    out[i] = inside ? in[source] : ({{t}})0;
                }
            }
            }

            """;
    }

    /// <summary>A whole translation unit: the prelude and one or more kernel bodies.</summary>
    public static string TranslationUnit(IEnumerable<string> bodies) => Prelude + string.Concat(bodies);
}
