using FuncNet.Backends.Cpu;
using static FuncNet.Ops;

namespace FuncNet.Backends.Tests.Reliability;

/// <summary>
/// Hostile shapes through every op family and backend: empty tensors whose other dimensions are huge must
/// compute (as the Reference backend does, values and gradients), and shapes or indices beyond what a tensor
/// can hold must raise a <see cref="ShapeException"/> naming the shape — never a native crash, an
/// IndexOutOfRangeException or a wrong element. The shape checks happen before any kernel runs, so a
/// backend whose arithmetic overflowed would be caught here by a crash or by disagreement.
/// </summary>
public class HostileShapeTests
{
    private const int Huge = 1 << 16;

    public static TheoryData<string, DType> BackendsAndTypes => Cpu.Backends.HostBackendsAndFloatTypes;

    public static TheoryData<string> BackendNames => new("reference", "managed", "mkl", "openblas");

    private static IBackend Get(string name) => name == "reference" ? Backend.Reference : Cpu.Backends.Get(name);

    /// <summary>
    /// Every op family on (0, 2¹⁶), (2¹⁶, 0), (0, 1) and (0, Int32.MaxValue) operands, static and fed into
    /// unknown dimensions.
    /// </summary>
    [SkippableTheory, MemberData(nameof(BackendsAndTypes))]
    public void EmptyTensorsWithHugeDimensionsComputeOnEveryBackend(string backendName, DType dtype)
    {
        var backend = Get(backendName);
        foreach (var known in new[] { true, false })
        {
            Shape S(int a, int b) => known ? Shape.Of(a, b) : Shape.Of(-1, -1);
            var x = Expr.Placeholder("x", S(0, Huge), dtype);
            var y = Expr.Placeholder("y", S(Huge, 0), dtype);
            var column = Expr.Placeholder("column", S(0, 1), dtype);
            var row = Expr.Placeholder("row", Shape.Of(Huge), dtype);
            var z = Expr.Placeholder("z", S(0, int.MaxValue), dtype);
            Expr[] outputs =
            [
                Exp(x), x + row, x * column, Where(Greater(x, 0.0), x, row), Map(x, a => a * a + 1.0),
                ReduceSum(x, 1), ReduceSum(x, 0), ReduceMax(x, 1), ReduceMean(x, 1),
                Softmax(x), LogSoftmax(x, 0), LogSoftmax(x, 1), Softmax(y, 0),
                MatMul(x, y), MatMul(y, x, true, true), Transpose(x), ExpandDims(x, 0),
                BroadcastTo(column, Shape.Of(0, Huge)), Slice(x, [0, Huge - 1], [0, 1]),
                OneHot(ArgMax(x, 1), 3, dtype), SumToShapeOf(x + row, row),
                Exp(z), z * column, ReduceSum(z, 1), ReduceMax(z, 1), Softmax(z), LogSoftmax(z, 1), Transpose(z),
                Slice(z, [0, int.MaxValue - 1], [0, 1]), ArgMax(z, 1),
                // The gradients of Concat and Reshape need the lengths known when the plan is built.
                .. known ? [Concat([x, x], 0), Concat([y, y], 1), Concat([z, z], 0), Reshape(x, 1 << 8, 0, 1 << 8)] : Array.Empty<Expr>(),
            ];
            var loss = outputs.Where(o => o.DType == dtype).Select(o => ReduceSum(o * o)).Aggregate((a, b) => a + b);
            Expr[] all = [.. outputs, .. Gradients(loss, x, y, column, row, z)];
            var feeds = new Dictionary<Expr, Tensor>
            {
                [x] = Tensor.Zeros(Shape.Of(0, Huge), dtype), [y] = Tensor.Zeros(Shape.Of(Huge, 0), dtype),
                [column] = Tensor.Zeros(Shape.Of(0, 1), dtype), [row] = Tensor.Ones(Shape.Of(Huge), dtype),
                [z] = Tensor.Zeros(Shape.Of(0, int.MaxValue), dtype),
            };
            Tensor[] expected, actual;
            using (var plan = Plan.CompileUnrewritten(all, Backend.Reference)) { expected = plan.Run(feeds); }
            using (var plan = Plan.Compile(all, backend)) { actual = plan.Run(feeds); }
            for (var i = 0; i < all.Length; i++)
            {
                Assert.Equal(expected[i].Shape, actual[i].Shape);
                Assert.True(actual[i].AllClose(expected[i]), $"{backendName} {dtype} known={known}: output {i} ({all[i].Op.Name}) differs");
            }
            Assert.Equal(Shape.Of(Huge), expected[6].Shape);
            Assert.Equal(Shape.Of(0, 0), expected[13].Shape);
        }
    }

    /// <summary>Graphs whose shapes exceed what a tensor can hold fail with a ShapeException naming the shape, before any kernel runs.</summary>
    [SkippableTheory, MemberData(nameof(BackendNames))]
    public void ShapesBeyondTheElementLimitAreShapeErrorsOnEveryBackend(string backendName)
    {
        var backend = Get(backendName);
        var x = Expr.Placeholder("x", Shape.Of(0, Huge));
        var tall = Expr.Placeholder("tall", Shape.Of(1 << 16, 1));
        var wide = Expr.Placeholder("wide", Shape.Of(1 << 16));
        var feeds = new Dictionary<Expr, Tensor>
        {
            [x] = Tensor.Zeros(Shape.Of(0, Huge)), [tall] = Tensor.Zeros(Shape.Of(1 << 16, 1)), [wide] = Tensor.Zeros(Shape.Of(1 << 16)),
        };
        (Func<Expr> Build, string Names)[] cases =
        [
            (() => MatMul(x, x, true, false), "(65536, 65536)"),
            (() => tall + wide, "(65536, 65536)"),
            (() => BroadcastTo(Expr.Constant(1.0, DType.Float64), Shape.Of(1 << 16, 1 << 16)), "(65536, 65536)"),
            (() => Exp(Reshape(x, 16777216, 1048576, 1048576)), "(16777216, 1048576, 1048576)"),
        ];
        foreach (var (build, names) in cases)
        {
            var e = Assert.Throws<ShapeException>(() =>
            {
                using var plan = Plan.Compile([build()], backend);
                plan.Run(feeds);
            });
            Assert.Contains(names, e.Message);
        }
    }

    /// <summary>
    /// The last line of defence: the CBLAS binding refuses a pointer and extent that leave its array, with a
    /// FuncNetException, instead of handing them to native code.
    /// </summary>
    [SkippableTheory]
    [InlineData("mkl")]
    [InlineData("openblas")]
    public void ANativeGemmNeverReceivesAnExtentOutsideItsBuffer(string library)
    {
        Cblas? blas;
        if (library == "mkl")
        {
            _ = Cpu.Backends.Get("mkl");
            blas = FuncNet.Backends.Cpu.Mkl.MklLibrary.Load().Library!.Blas;
        }
        else
        {
            _ = Cpu.Backends.Get("openblas");
            blas = OpenBlasLibrary.Load().Blas;
        }
        var gemm = new CblasGemm(blas!);
        double[] a = new double[16], b = new double[16], c = new double[16];
        gemm.Gemm(false, false, 4, 4, 4, 1.0, a, 0, 4, b, 0, 4, 0.0, c, 0, 4);
        Assert.Throws<FuncNetException>(() => gemm.Gemm(false, false, 4, 4, 4, 1.0, a, 1, 4, b, 0, 4, 0.0, c, 0, 4));
        Assert.Throws<FuncNetException>(() => gemm.Gemm(false, true, 4, 5, 4, 1.0, a, 0, 4, b, 0, 4, 0.0, c, 0, 5));
        Assert.Throws<FuncNetException>(() => gemm.Gemm(false, false, 4, 4, 4, 1.0, a, 0, 4, b, 0, 4, 0.0, c, 0, 3));
    }
}
