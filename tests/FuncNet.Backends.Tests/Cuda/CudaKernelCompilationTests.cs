using System.Diagnostics;
using FuncNet.Backends.Cuda;
using FuncNet.Expressions;

namespace FuncNet.Backends.Tests.Cuda;

/// <summary>
/// Without a GPU: every kernel the CUDA backend would generate for the conformance graphs and the op
/// catalogue is compiled to PTX by NVRTC for sm_80 and sm_90 in Float32 and Float64, so a code-generation
/// error fails CI (FUNCNET_REQUIRE_NVRTC=1 turns a missing NVRTC into a failure, not a skip). The kernels of
/// one dtype share one translation unit (each body lives in its own namespace), which keeps this fast.
/// </summary>
public class CudaKernelCompilationTests
{
    [Fact]
    public void EveryElementwiseOpOfTheCatalogueIsInTheCompiledGraphs()
    {
        var elementwise = typeof(Op).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(ElementwiseOp).IsAssignableFrom(t)).ToArray();
        Assert.NotEmpty(elementwise);
        var seen = CudaKernelCatalogue.OpTypes(DType.Float32);
        var missing = elementwise.Where(t => !seen.Contains(t)).Select(t => t.Name).ToArray();
        Assert.True(missing.Length == 0, "Add these elementwise ops to CudaKernelCatalogue.EveryElementwiseOp: " + string.Join(", ", missing));
    }

    [Fact]
    public void EveryElementwiseNodeGetsAGeneratedKernel()
    {
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            // Elementwise nodes get a generated kernel; broadcasts, transposes, joins, slices and pads a generated
            // copy or, where they move one dense run (or nothing, when empty), a device copy.
            var fallbacks = CudaKernelCatalogue.Plan(dtype).Where(p =>
                (p.Op is ElementwiseOp && p.Step is not GeneratedStep) ||
                (p.Op is BroadcastLikeOp or BroadcastToOp or TransposeOp or ConcatOp or SliceOp or PadIntoOp && p.Step is not (GeneratedStep or CopyStep))).ToArray();
            Assert.True(fallbacks.Length == 0, string.Join("; ", fallbacks.Select(f => $"{f.Op.Name} {f.Step}")));
        }
    }

    public static TheoryData<int, DType> Targets => new() { { 80, DType.Float32 }, { 80, DType.Float64 }, { 90, DType.Float32 }, { 90, DType.Float64 } };

    [SkippableTheory, MemberData(nameof(Targets))]
    public void EveryGeneratedKernelCompilesToPtx(int architecture, DType dtype)
    {
        var nvrtc = CudaEnvironment.RequireNvrtc();
        var bodies = CudaKernelCatalogue.Sources(CudaKernelCatalogue.Plan(dtype)).ToArray();
        Assert.True(bodies.Length > 20, $"only {bodies.Length} kernels planned");
        // The joins, offset copies and pads of the ConcatSliceAndPadInto case are among them.
        Assert.Contains(bodies, b => b.Contains("long long b2)", StringComparison.Ordinal));
        Assert.Contains(bodies, b => b.Contains("long long offset, funcnet_strides s)", StringComparison.Ordinal));
        Assert.Contains(bodies, b => b.Contains("funcnet_strides box)", StringComparison.Ordinal));
        // So are the bias gradients' split reductions, the filter gradients' regrouping and the Int32 gather.
        Assert.Contains(bodies, b => b.Contains("long long kept, long long inner)", StringComparison.Ordinal));
        Assert.Contains(bodies, b => b.Contains("long long channels, long long plane)", StringComparison.Ordinal));
        Assert.Contains(bodies, b => b.Contains("int* __restrict__ out, unsigned long long* __restrict__ status", StringComparison.Ordinal));
        var renamed = bodies.Select((b, i) => b.Replace(CudaCodeGenerator.Entry, $"k{i}", StringComparison.Ordinal)).ToArray();
        var watch = Stopwatch.StartNew();
        var ptx = nvrtc.CompileToPtx(CudaCodeGenerator.TranslationUnit(renamed), $"catalogue_{architecture}_{dtype}.cu", CudaCompiler.Options(architecture));
        Assert.Contains($".target sm_{architecture}", ptx);
        for (var i = 0; i < renamed.Length; i++)
        {
            Assert.True(ptx.Contains($".entry k{i}(", StringComparison.Ordinal), $"kernel k{i} missing from the PTX:\n{bodies[i]}");
        }
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"{bodies.Length} kernels took {watch.Elapsed}");
    }

    /// <summary>
    /// Every convolution (im2col, col2im, the filter gradient's regrouping), pooling and split-reduction (bias
    /// gradient) kernel under its own entry name, whether or not the catalogue's
    /// graphs plan it: compiled to PTX for both architectures and dtypes, each entry point present.
    /// </summary>
    [SkippableTheory, MemberData(nameof(Targets))]
    public void ConvolutionAndPoolingKernelsCompileToPtx(int architecture, DType dtype)
    {
        var nvrtc = CudaEnvironment.RequireNvrtc();
        Func<DType, string, string>[] generators =
        [
            CudaConvolutionCode.Im2Col, CudaConvolutionCode.Col2Im, CudaConvolutionCode.ChannelMajor, CudaPoolingCode.MaxPoolForward,
            CudaPoolingCode.MaxPoolSelect, CudaPoolingCode.MaxPoolGradient, CudaPoolingCode.AvgPoolForward, CudaPoolingCode.AvgPoolGradient,
            (d, entry) => CudaCodeGenerator.SplitReduction(d, max: false, entry), (d, entry) => CudaCodeGenerator.SplitReduction(d, max: true, entry),
        ];
        var bodies = generators.Select((g, i) => g(dtype, $"conv{i}")).ToArray();
        var ptx = nvrtc.CompileToPtx(CudaCodeGenerator.TranslationUnit(bodies), $"convolution_{architecture}_{dtype}.cu", CudaCompiler.Options(architecture));
        Assert.Contains($".target sm_{architecture}", ptx);
        for (var i = 0; i < bodies.Length; i++)
        {
            Assert.True(ptx.Contains($".entry conv{i}(", StringComparison.Ordinal), $"kernel conv{i} missing from the PTX:\n{bodies[i]}");
        }
    }

    [SkippableTheory, MemberData(nameof(Targets))]
    public void EveryRandomAndGatherKernelCompilesToPtx(int architecture, DType dtype)
    {
        var nvrtc = CudaEnvironment.RequireNvrtc();
        var (unit, entries) = CudaKernelCatalogue.RandomAndGatherKernels(dtype);
        var ptx = nvrtc.CompileToPtx(unit, $"random_gather_{architecture}_{dtype}.cu", CudaCompiler.Options(architecture));
        Assert.Contains($".target sm_{architecture}", ptx);
        foreach (var entry in entries)
        {
            Assert.True(ptx.Contains($".entry {entry}(", StringComparison.Ordinal), $"kernel {entry} missing from the PTX");
        }
        // The Philox rounds are there (the multiplications by the round constants), and the gather never reads past
        // a bad index: the bounds test branches to the 64-bit status update (position and index in one word).
        Assert.Contains("mul.hi.u32", ptx);
        Assert.Contains("atom.global.min.u64", ptx);
    }

    [SkippableFact]
    public void TheCompilerCachesPtxInMemoryAndOnDisk()
    {
        var nvrtc = CudaEnvironment.RequireNvrtc();
        var dir = Directory.CreateTempSubdirectory("funcnet-cuda-cache").FullName;
        try
        {
            var body = CudaCodeGenerator.Elementwise(ScalarExpr.Exp(ScalarExpr.Arg(0)) * 2.0, [DType.Float32], [CudaLayout.Full], DType.Float32);
            var first = new CudaCompiler(nvrtc, 80, dir);
            var ptx = first.Compile(body);
            Assert.Same(ptx, first.Compile(body));
            Assert.Equal(1, first.Compilations);
            Assert.True(File.Exists(Path.Combine(dir, first.Hash(CudaCodeGenerator.TranslationUnit([body])) + ".ptx")));
            var second = new CudaCompiler(nvrtc, 80, dir);
            Assert.Equal(ptx, second.Compile(body));
            Assert.Equal(0, second.Compilations);
            Assert.NotEqual(first.Hash("a"), new CudaCompiler(nvrtc, 90, dir).Hash("a"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [SkippableFact]
    public void ACompileErrorSurfacesNvrtcsLog()
    {
        var nvrtc = CudaEnvironment.RequireNvrtc();
        var broken = "extern \"C\" __global__ void funcnet_kernel(float* out) { out[0] = undeclared_thing + ; }";
        var e = Assert.Throws<CudaCompilationException>(() => nvrtc.CompileToPtx(broken, "broken.cu", CudaCompiler.Options(80)));
        Assert.Contains("undeclared_thing", e.Log);
        Assert.Contains("error", e.Log);
        Assert.Contains(e.Log, e.Message);
        Assert.Equal(broken, e.Source);
        Assert.IsAssignableFrom<FuncNetException>(e);
    }

    [SkippableFact]
    public void NvrtcTargetsBothArchitectures()
    {
        var nvrtc = CudaEnvironment.RequireNvrtc();
        var supported = nvrtc.SupportedArchitectures();
        Skip.If(supported.Count == 0, $"NVRTC {nvrtc.Version} cannot list its architectures");
        Assert.Contains(80, supported);
        Assert.Contains(90, supported);
        Assert.Equal(86, CudaCompiler.ChooseArchitecture(86, supported.Contains(86) ? supported : [.. supported, 86]));
        Assert.Equal(supported.Where(a => a <= 120).Max(), CudaCompiler.ChooseArchitecture(120, supported));
    }
}
