using System.Numerics;
using FuncNet.Backends.Cpu;
using FuncNet.Expressions;
using FuncNet.Lowering;

namespace FuncNet.Backends.Tests.Cpu;

/// <summary>
/// The managed convolution (im2col + GEMM, on each GEMM the CPU backend can choose) and pooling kernels against
/// the ops' reference kernels, for strides, asymmetric padding, dilation, groups and window shapes: within 1e-5
/// relative in Float32 and 1e-12 in Float64.
/// </summary>
public class ConvolutionKernelTests
{
    /// <summary>Image and filter shapes with a geometry; the names say what each exercises.</summary>
    public static TheoryData<string> ConvCases => new(ConvGeometries.Keys);

    private static readonly Dictionary<string, (Shape Image, Shape Filter, Conv2DGeometry Geometry)> ConvGeometries = new()
    {
        ["plain"] = (Shape.Of(2, 3, 6, 5), Shape.Of(4, 3, 3, 3), new(1, 1, 0, 0, 0, 0, 1, 1, 1)),
        ["stride and asymmetric padding"] = (Shape.Of(1, 2, 7, 9), Shape.Of(3, 2, 3, 2), new(2, 3, 1, 0, 2, 1, 1, 1, 1)),
        ["dilation"] = (Shape.Of(2, 2, 8, 7), Shape.Of(2, 2, 3, 3), new(1, 1, 2, 2, 1, 1, 2, 1, 1)),
        ["groups with stride 2"] = (Shape.Of(2, 4, 5, 5), Shape.Of(6, 2, 3, 3), new(2, 2, 1, 1, 1, 1, 1, 1, 2)),
        ["depthwise, padding wider than some rows"] = (Shape.Of(1, 3, 4, 3), Shape.Of(3, 1, 2, 3), new(1, 2, 2, 2, 3, 2, 2, 2, 3)),
        ["one by one"] = (Shape.Of(3, 8, 4, 4), Shape.Of(5, 8, 1, 1), new(1, 1, 0, 0, 0, 0, 1, 1, 1)),
    };

    private static IGemm Gemm(string name)
    {
        switch (name)
        {
            case "managed":
                return new ParallelGemm(new ManagedGemm());
            case "mkl":
                Backends.Get("mkl");   // skips visibly (or fails where MKL is required) when it does not load
                var (mkl, _) = FuncNet.Backends.Cpu.Mkl.MklLibrary.Load();
                return new ParallelGemm(new CblasGemm(mkl!.Blas));
            default:
                Backends.Get("openblas");
                return new ParallelGemm(new CblasGemm(OpenBlasLibrary.Load().Blas!), split: false);
        }
    }

    public static TheoryData<string, string, DType> ConvCasesByGemmAndDType
    {
        get
        {
            var data = new TheoryData<string, string, DType>();
            foreach (var c in ConvGeometries.Keys)
            {
                foreach (var gemm in new[] { "managed", "mkl", "openblas" })
                {
                    data.Add(c, gemm, DType.Float32);
                    data.Add(c, gemm, DType.Float64);
                }
            }
            return data;
        }
    }

    private static Tensor Random(Shape shape, DType dtype, int seed)
    {
        var rng = new Random(seed);
        return Tensor.FromSpan(shape, Enumerable.Range(0, shape.Size).Select(_ => rng.NextDouble() * 2 - 1).ToArray(), dtype);
    }

    private static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        var rtol = expected.DType == DType.Float32 ? 1e-5 : 1e-12;
        var scale = Math.Max(1, expected.ToDoubleArray().Select(Math.Abs).DefaultIfEmpty(0).Max());
        Assert.True(actual.AllClose(expected, rtol, rtol * scale), $"{what} differs by {actual.MaxAbsDifference(expected):E2}");
    }

    [SkippableTheory, MemberData(nameof(ConvCasesByGemmAndDType))]
    public void ConvolutionAndItsGradientsMatchTheReference(string name, string gemm, DType dtype)
    {
        var provider = Gemm(gemm);
        if (dtype == DType.Float32) { Check<float>(name, provider, dtype); } else { Check<double>(name, provider, dtype); }
    }

    private static void Check<T>(string name, IGemm gemm, DType dtype) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (image, filter, geometry) = ConvGeometries[name];
        var output = geometry.Check("test", image, filter);
        Tensor x = Random(image, dtype, 1), w = Random(filter, dtype, 2), dy = Random(output, dtype, 3);
        var kernels = new Conv2DKernels<T>(gemm, geometry, image, filter);
        T[] y = new T[output.Size], dx = Enumerable.Repeat(T.One, image.Size).ToArray(), dw = Enumerable.Repeat(T.One, filter.Size).ToArray();
        kernels.Forward(x.ToArray<T>(), w.ToArray<T>(), y);
        kernels.InputGradient(dy.ToArray<T>(), w.ToArray<T>(), dx);     // both start dirty: the kernels must overwrite
        kernels.FilterGradient(x.ToArray<T>(), dy.ToArray<T>(), dw);
        AssertClose(new Conv2DOp(geometry).Reference([x, w], output, dtype), Tensor.Create(output, y.Select(double.CreateChecked).ToArray()).Cast(dtype), $"{name} forward");
        AssertClose(new Conv2DInputGradientOp(geometry, image[2], image[3]).Reference([dy, w], image, dtype), Tensor.Create(image, dx.Select(double.CreateChecked).ToArray()).Cast(dtype), $"{name} input gradient");
        AssertClose(new Conv2DFilterGradientOp(geometry, filter[2], filter[3]).Reference([x, dy], filter, dtype), Tensor.Create(filter, dw.Select(double.CreateChecked).ToArray()).Cast(dtype), $"{name} filter gradient");
    }

    private static readonly Dictionary<string, (Shape Input, Pool2DGeometry Geometry)> PoolGeometries = new()
    {
        ["2 × 2 stride 2"] = (Shape.Of(2, 3, 6, 8), new(2, 2, 2, 2, 0, 0, 0, 0)),
        ["3 × 3 stride 1 padded"] = (Shape.Of(1, 2, 5, 19), new(3, 3, 1, 1, 1, 1, 1, 1)),
        ["overlapping 3 × 2, stride (2, 1), asymmetric padding"] = (Shape.Of(2, 2, 7, 6), new(3, 2, 2, 1, 1, 2, 0, 1)),
        ["rectangular stride (1, 3)"] = (Shape.Of(1, 1, 4, 11), new(2, 4, 1, 3, 1, 0, 2, 3)),
    };

    public static TheoryData<string, DType> PoolCasesByDType
    {
        get
        {
            var data = new TheoryData<string, DType>();
            foreach (var c in PoolGeometries.Keys)
            {
                data.Add(c, DType.Float32);
                data.Add(c, DType.Float64);
            }
            return data;
        }
    }

    [Theory, MemberData(nameof(PoolCasesByDType))]
    public void PoolingAndItsGradientsMatchTheReference(string name, DType dtype)
    {
        if (dtype == DType.Float32) { CheckPool<float>(name, dtype); } else { CheckPool<double>(name, dtype); }
    }

    private static void CheckPool<T>(string name, DType dtype) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (input, geometry) = PoolGeometries[name];
        var output = geometry.Check("test", input);
        Tensor x = Random(input, dtype, 4), t = Random(input, dtype, 5), dy = Random(output, dtype, 6);
        Tensor Of(Shape s, T[] v) => Tensor.Create(s, v.Select(double.CreateChecked).ToArray()).Cast(dtype);
        var max = new MaxPool2DKernels<T>(geometry, input);
        var avg = new AvgPool2DKernels<T>(geometry, input);
        T[] y = new T[output.Size], dx = Enumerable.Repeat(T.One, input.Size).ToArray(), selected = new T[output.Size];
        max.Forward(x.ToArray<T>(), y);
        AssertClose(new MaxPool2DOp(geometry).Reference([x], output, dtype), Of(output, y), $"{name} max forward");
        max.Gradient(x.ToArray<T>(), dy.ToArray<T>(), dx);
        AssertClose(new MaxPool2DGradientOp(geometry).Reference([x, dy], input, dtype), Of(input, dx), $"{name} max gradient");
        max.Select(x.ToArray<T>(), t.ToArray<T>(), selected);
        AssertClose(new MaxPool2DSelectOp(geometry).Reference([x, t], output, dtype), Of(output, selected), $"{name} max select");
        avg.Forward(x.ToArray<T>(), y);
        AssertClose(new AvgPool2DOp(geometry).Reference([x], output, dtype), Of(output, y), $"{name} average forward");
        Array.Fill(dx, T.One);
        avg.Gradient(dy.ToArray<T>(), dx);
        AssertClose(new AvgPool2DGradientOp(geometry, input[2], input[3]).Reference([dy], input, dtype), Of(input, dx), $"{name} average gradient");
    }

    [Fact]
    public void MaxPoolingPropagatesNaNAsTheReferenceDoes()
    {
        var geometry = new Pool2DGeometry(2, 2, 1, 1, 0, 0, 0, 0);
        var input = Shape.Of(1, 1, 2, 3);
        var x = new[] { 1.0, double.NaN, 0, 2, 3, 4 };
        var y = new double[2];
        new MaxPool2DKernels<double>(geometry, input).Forward(x, y);
        Assert.True(double.IsNaN(y[0]) && double.IsNaN(y[1]));
        Assert.Equal(new MaxPool2DOp(geometry).Reference([Tensor.Create(input, x)], Shape.Of(1, 1, 1, 2), DType.Float64).ToDoubleArray(), y);
    }
}
