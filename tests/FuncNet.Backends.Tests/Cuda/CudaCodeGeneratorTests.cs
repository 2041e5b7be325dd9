using FuncNet.Backends.Cuda;
using FuncNet.Expressions;
using FuncNet.Tensors;
using static FuncNet.ScalarExpr;

namespace FuncNet.Backends.Tests.Cuda;

/// <summary>The CUDA C written for a few formulas and layouts, and the planner's layouts checked against numpy broadcasting.</summary>
public class CudaCodeGeneratorTests
{
    private static ScalarExpr Formula(ElementwiseOp op, int arity) => op.Formula(Enumerable.Range(0, arity).Select(Arg).ToArray());

    [Fact]
    public void SigmoidInFloat32UsesSinglePrecisionMathAndFloatConstants()
    {
        var source = CudaCodeGenerator.Elementwise(Formula(new SigmoidOp(), 1), [DType.Float32], [CudaLayout.Full], DType.Float32);
        Assert.Contains("extern \"C\" __global__ void funcnet_kernel(float* __restrict__ out, const float* __restrict__ in0, long long n, long long inner)", source);
        Assert.Contains("const float x0 = (float)in0[i];", source);
        Assert.Contains("expf(", source);
        Assert.Contains("(1.0f)", source);
        Assert.DoesNotContain("double", source);
    }

    [Fact]
    public void Float64UsesDoubleMath()
    {
        var source = CudaCodeGenerator.Elementwise(Formula(new TanhOp(), 1), [DType.Float64], [CudaLayout.Full], DType.Float64);
        Assert.Contains("tanh(x0)", source);
        Assert.DoesNotContain("tanhf", source);
    }

    [Fact]
    public void SharedSubformulasAreComputedOnce()
    {
        var e = Exp(Arg(0));
        var body = new System.Text.StringBuilder();
        var result = CudaCodeGenerator.EmitFormula(e * e + Exp(Arg(0)), "float", ["a"], body, "");
        Assert.Equal("const float t0 = expf(a);\nconst float t1 = t0 * t0;\nconst float t2 = t1 + t0;\n", body.ToString());
        Assert.Equal("t2", result);
    }

    [Fact]
    public void LayoutsReadAsTheCpuBackendDoes()
    {
        var source = CudaCodeGenerator.Elementwise(Arg(0) + Arg(1) * Arg(2) - Arg(3) + Arg(4),
            [DType.Float32, DType.Float32, DType.Float32, DType.Float32, DType.Float32],
            [CudaLayout.Full, CudaLayout.Row, CudaLayout.Column, CudaLayout.Scalar, CudaLayout.Strided], DType.Float32);
        Assert.Contains("in0[i]", source);
        Assert.Contains("in1[i % inner]", source);
        Assert.Contains("in2[i / inner]", source);
        Assert.Contains("in3[0]", source);
        Assert.Contains("in4[funcnet_offset(s4, i)]", source);
        Assert.Contains("long long inner, funcnet_strides s4)", source);
    }

    [Fact]
    public void CastsToInt32SaturateAndComparisonsGiveOneOrZero()
    {
        var cast = CudaCodeGenerator.Elementwise(Formula(new CastOp(DType.Int32), 1), [DType.Float32], [CudaLayout.Full], DType.Int32);
        Assert.Contains("int* __restrict__ out", cast);
        Assert.Contains("funcnet_to_int(", cast);
        var less = CudaCodeGenerator.Elementwise(Formula(new LessOp(), 2), [DType.Float64, DType.Float64], [CudaLayout.Full, CudaLayout.Full], DType.Float64);
        Assert.Contains("(x0 < x1 ? (double)1 : (double)0)", less);
    }

    [Theory]
    [InlineData(0.5, "float", "(0.5f)")]
    [InlineData(-2, "float", "(-2.0f)")]
    [InlineData(1e-300, "double", "((double)1e-300)")]
    [InlineData(double.PositiveInfinity, "float", "((float)__longlong_as_double(9218868437227405312LL))")]
    public void ConstantsAreExactCLiterals(double value, string type, string expected) =>
        Assert.Equal(expected.Replace("1e-300", "1E-300"), CudaCodeGenerator.Constant(value, type));

    [Fact]
    public void NegatingANegativeConstantIsNotADecrement() =>
        Assert.Equal("-((-2.0f))", CudaCodeGenerator.Primitive(ScalarFn.Negate, [CudaCodeGenerator.Constant(-2, "float")], "float"));

    [Fact]
    public void PlannedLayoutsReadTheElementsNumpyBroadcastingReads()
    {
        var checkedNodes = 0;
        foreach (var p in CudaKernelCatalogue.Plan(DType.Float32))
        {
            if (p.Step is not GeneratedStep { Layouts.Length: > 0 } step) { continue; }
            long n = step.Scalars[0], inner = step.Scalars[1];
            var strided = 0;
            for (var j = 0; j < step.Inputs.Length; j++)
            {
                var input = p.Inputs[step.Inputs[j]];
                var expected = p.Op is TransposeOp
                    ? p.Op.Reference([Tensor.FromSpan(input, Enumerable.Range(0, input.Size).Select(v => (double)v).ToArray(), DType.Float64)], p.Shape, DType.Float64).ToDoubleArray().Select(v => (int)v).ToArray()
                    : Broadcasting.SourceIndices(input, p.Shape);
                var layout = step.Layouts[j];
                var strides = layout == CudaLayout.Strided ? step.Strides[strided++] : null;
                for (long i = 0; i < n; i++)
                {
                    var actual = layout switch
                    {
                        CudaLayout.Full => i,
                        CudaLayout.Row => i % inner,
                        CudaLayout.Column => i / inner,
                        CudaLayout.Scalar => 0,
                        _ => strides!.Offset(i),
                    };
                    Assert.True(expected[i] == actual, $"{p.Op.Name} input {j} {input} -> {p.Shape} as {layout}: element {i} reads {actual}, expected {expected[i]}");
                }
            }
            checkedNodes++;
        }
        Assert.True(checkedNodes > 50, checkedNodes.ToString());
    }

    [Fact]
    public void AnUnusualBroadcastIsStridedAndTheCommonOnesAreNot()
    {
        var step = (GeneratedStep)CudaKernelPlanner.Plan(new AddOp(), [Shape.Of(6, 40), Shape.Of(3, 1, 1, 40)], [DType.Float32, DType.Float32], Shape.Of(3, 1, 6, 40), DType.Float32);
        Assert.Contains(CudaLayout.Strided, step.Layouts);
        var bias = (GeneratedStep)CudaKernelPlanner.Plan(new AddOp(), [Shape.Of(6, 40), Shape.Of(40)], [DType.Float32, DType.Float32], Shape.Of(6, 40), DType.Float32);
        Assert.Equal([CudaLayout.Full, CudaLayout.Row], bias.Layouts);
        Assert.Empty(bias.Strides);
    }

    [Fact]
    public void OpsWithoutAKernelFallBackAndMatMulGoesToCublas()
    {
        Assert.IsType<FallbackStep>(CudaKernelPlanner.Plan(new ArgMaxOp(-1), [Shape.Of(3, 4)], [DType.Float32], Shape.Of(3), DType.Int32));
        var gemm = Assert.IsType<GemmStep>(CudaKernelPlanner.Plan(new MatMulOp(true, false), [Shape.Of(2, 5, 3), Shape.Of(5, 4)], [DType.Float32, DType.Float32], Shape.Of(2, 3, 4), DType.Float32));
        Assert.Equal((3, 4, 5), (gemm.Gemm.M, gemm.Gemm.N, gemm.Gemm.K));
        // A's two batches of 5×3 lie 15 elements apart; B (no batch axes) is shared by both.
        Assert.Equal([0, 15], gemm.Gemm.OffsetsA);
        Assert.Equal([0, 0], gemm.Gemm.OffsetsB);
        Assert.Equal((15L, 0L), (gemm.Gemm.StrideA, gemm.Gemm.StrideB));
    }
}
