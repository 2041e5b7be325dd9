using FuncNet.Backends.Cuda;
using FuncNet.Backends.Tests.Cpu;
using FuncNet.Expressions;
using FuncNet.Rewriting;
using static FuncNet.Ops;

namespace FuncNet.Backends.Tests.Cuda;

/// <summary>
/// Every kernel the CUDA backend would prepare for the conformance graphs (with their gradients, as written,
/// simplified, and fused the way plans fuse them) and for a graph that applies every elementwise op of the
/// catalogue, planned without a device.
/// </summary>
internal static class CudaKernelCatalogue
{
    /// <summary>One planned node: its op, its inputs' shapes, its shape, and the step the backend would run.</summary>
    internal sealed record Planned(Op Op, Shape[] Inputs, Shape Shape, CudaStep Step);

    private static readonly Func<Expr, Expr> UserSoftplus = DefineElementwise("UserSoftplus", x => Log1p(Exp(x)), (x, _) => Sigmoid(x));

    private static readonly Func<Expr, Expr, Expr> UserLogAddExp =
        DefineElementwise("UserLogAddExp", (p, q) => Log(Exp(p) + Exp(q)), (p, _, y) => Exp(p - y), (_, q, y) => Exp(q - y));

    /// <summary>Applies each elementwise op at least once, including Int32 arithmetic and casts both ways.</summary>
    public static Expr[] EveryElementwiseOp(Expr[] x, DType dtype)
    {
        Expr a = x[0], b = x[1];
        var other = dtype == DType.Float32 ? DType.Float64 : DType.Float32;
        return
        [
            Abs(a), a + b, a - b, a * b, a / b, -a, Square(a), Sqrt(Abs(a) + 1.0), Exp(a), Log(Abs(a) + 1.0), Tanh(a), Sigmoid(a),
            Softplus(a), Relu(a), Elu(a, 0.7), Selu(a), LeakyRelu(a, 0.1), Gaussian(a), Sign(a), StopGradient(a) * b, Pow(Abs(a) + 1.0, b),
            Maximum(a, b), Minimum(a, b), Equal(a, b), NotEqual(a, b), Less(a, b), LessEqual(a, b), Greater(a, b), GreaterEqual(a, b),
            Where(Greater(a, b), a, b), BatchNorm(a, b, b), Map(a, b, (p, q) => Sigmoid(p) * Exp(q) - p * p),
            Sin(a), Cos(a), Log1p(Abs(a)), Expm1(a), Erf(a), Gelu(a), Gelu(a, GeluApproximation.Tanh), Silu(a), Rsqrt(Abs(a) + 1.0),
            Clip(a, -0.5, 0.5), Floor(a), Round(a), UserSoftplus(a), UserLogAddExp(a, b),
            Cast(Cast(a, other), dtype), Cast(Cast(a * 10.0, DType.Int32) + Cast(b * 10.0, DType.Int32), dtype),
        ];
    }

    /// <summary>
    /// Every random and gather/scatter kernel <see cref="CudaRandomAndGatherKernels"/> writes in one dtype, each with
    /// its own entry name, behind the Philox prelude: one translation unit for NVRTC.
    /// </summary>
    public static (string Unit, string[] Entries) RandomAndGatherKernels(DType dtype)
    {
        var entries = Enumerable.Range(0, 8).Select(i => $"random_gather_{i}").ToArray();
        string[] bodies =
        [
            CudaRandomAndGatherKernels.DrawKernel(CudaRandomAndGatherKernels.Draw.Uniform, dtype, 0, entries[0]),
            CudaRandomAndGatherKernels.DrawKernel(CudaRandomAndGatherKernels.Draw.Normal, dtype, 0, entries[1]),
            CudaRandomAndGatherKernels.DrawKernel(CudaRandomAndGatherKernels.Draw.Bernoulli, dtype, 0.25, entries[2]),
            CudaRandomAndGatherKernels.SplitKernel(entries[3]),
            CudaRandomAndGatherKernels.GatherKernel(dtype, scatter: false, entries[4]),
            CudaRandomAndGatherKernels.GatherKernel(dtype, scatter: true, entries[5]),
            // Integer tables (labels by index) gather and scatter-add in Int32 beside every float type.
            CudaRandomAndGatherKernels.GatherKernel(DType.Int32, scatter: false, entries[6]),
            CudaRandomAndGatherKernels.GatherKernel(DType.Int32, scatter: true, entries[7]),
        ];
        return (CudaRandomAndGatherKernels.PhiloxPrelude + CudaCodeGenerator.TranslationUnit(bodies), entries);
    }

    /// <summary>The graphs: every conformance graph and the catalogue graph, with their input shapes.</summary>
    public static IEnumerable<(string Name, Func<Expr[], DType, Expr[]> Build, Shape[] Shapes)> Graphs =>
        FuncNet.Backends.Conformance.ConformanceGraphs.All.Select(g => (g.Name, g.Build, g.Shapes.ToArray()))
            .Append(("EveryElementwiseOp", EveryElementwiseOp, [Shape.Of(4, 5), Shape.Of(5)]));

    /// <summary>The roots of a graph as the conformance suite runs it: the outputs and their gradients.</summary>
    public static Expr[] Roots(Func<Expr[], DType, Expr[]> build, Shape[] shapes, DType dtype)
    {
        var inputs = shapes.Select((s, i) => Expr.Placeholder($"x{i}", s, dtype)).ToArray();
        var outputs = build(inputs, dtype);
        var scalar = outputs.Where(o => o.DType.IsFloat()).Select(o => ReduceSum(o * o)).Aggregate((p, q) => p + q);
        return outputs.Concat(Gradients(scalar, inputs)).ToArray();
    }

    /// <summary>Every node with inputs, planned, over the raw, simplified and fused forms of every graph in one dtype.</summary>
    public static IReadOnlyList<Planned> Plan(DType dtype)
    {
        var result = new List<Planned>();
        foreach (var (_, build, shapes) in Graphs)
        {
            var raw = Roots(build, shapes, dtype);
            var simplified = Simplifier.Simplify(raw);
            foreach (var roots in new[] { raw, simplified, Fusion.Fuse(simplified) })
            {
                foreach (var node in GraphWalk.Topological(roots).Where(n => n.Inputs.Count > 0))
                {
                    var inputs = node.Inputs.Select(i => i.Shape).ToArray();
                    result.Add(new Planned(node.Op, inputs, node.Shape,
                        CudaKernelPlanner.Plan(node.Op, inputs, node.Inputs.Select(i => i.DType).ToArray(), node.Shape, node.DType)));
                }
            }
        }
        return result;
    }

    /// <summary>The distinct CUDA C bodies the planned steps compile: generated kernels, gathers, and the convolutions' im2col, col2im and regrouping.</summary>
    public static IEnumerable<string> Sources(IEnumerable<Planned> planned) => planned.SelectMany(p => p.Step switch
    {
        GeneratedStep g => new string?[] { g.Source },
        GatherStep g => [g.Source],
        ConvolutionStep c => [c.Source, c.ChannelMajor],
        _ => [],
    }).OfType<string>().Distinct();

    /// <summary>The op types that appear in the graphs, including inside map bodies.</summary>
    public static IReadOnlySet<Type> OpTypes(DType dtype)
    {
        var types = new HashSet<Type>();
        foreach (var (_, build, shapes) in Graphs)
        {
            var raw = Roots(build, shapes, dtype);
            foreach (var roots in new[] { raw, Fusion.Fuse(Simplifier.Simplify(raw)) })
            {
                foreach (var node in GraphWalk.Topological(roots))
                {
                    types.Add(node.Op.GetType());
                    if (node.Op is MapOp m) { types.UnionWith(GraphWalk.Topological([m.Body]).Select(n => n.Op.GetType())); }
                }
            }
        }
        return types;
    }
}
