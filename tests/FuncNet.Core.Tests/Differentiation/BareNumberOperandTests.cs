using FuncNet.Testing;
using FuncNet.Tests.Support;
using FuncNet.Expressions;
using static FuncNet.Ops;

namespace FuncNet.Tests.Differentiation;

/// <summary>
/// A bare .NET number is a weak constant that takes the other operand's dtype. Every op that takes operands
/// (each binary elementwise op, Where, Map) is built here with a bare number in each position, in Float32 and
/// Float64, and differentiated to first and second order: gradient, JVP, HVP and the JVP of the gradient.
/// Float64 is checked against finite differences; Float32 must build, stay Float32 and agree with Float64.
/// </summary>
public class BareNumberOperandTests
{
    /// <summary>A case: the op it exercises, the operand position of the bare number, and f(x).</summary>
    private sealed record Case(Type Op, int Position, Func<Expr, Expr> F, bool Positive = false);

    // None equals a number the cases compare with, so no finite difference straddles a step.
    private static readonly double[] Values = [-1.3, -0.4, 0.2, 0.7, 1.6];
    private static readonly double[] PositiveValues = [0.4, 0.9, 1.3, 1.8, 2.2];

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["x + 2"] = new(typeof(AddOp), 1, x => (x + 2.0) * x),
        ["2 + x"] = new(typeof(AddOp), 0, x => (2.0 + x) * x),
        ["x - 2"] = new(typeof(SubtractOp), 1, x => (x - 2.0) * x),
        ["2 - x"] = new(typeof(SubtractOp), 0, x => (2.0 - x) * x),
        ["x * 3"] = new(typeof(MultiplyOp), 1, x => x * 3.0 * x),
        ["3 * x"] = new(typeof(MultiplyOp), 0, x => 3.0 * x * x),
        ["x / 3"] = new(typeof(DivideOp), 1, x => x / 3.0 * x),
        ["3 / x"] = new(typeof(DivideOp), 0, x => 3.0 / x, Positive: true),
        ["x ^ 2"] = new(typeof(PowOp), 1, x => Pow(x, 2.0)),
        ["x ^ 0.5"] = new(typeof(PowOp), 1, x => Pow(x, 0.5), Positive: true),
        ["x ^ 3"] = new(typeof(PowOp), 1, x => Pow(x, 3.0)),
        ["2 ^ x"] = new(typeof(PowOp), 0, x => Pow(2.0, x)),
        ["Maximum(x, 0.3)"] = new(typeof(MaximumOp), 1, x => Maximum(x, 0.3) * x),
        ["Maximum(0.3, x)"] = new(typeof(MaximumOp), 0, x => Maximum(0.3, x) * x),
        ["Minimum(x, 0.3)"] = new(typeof(MinimumOp), 1, x => Minimum(x, 0.3) * x),
        ["Minimum(0.3, x)"] = new(typeof(MinimumOp), 0, x => Minimum(0.3, x) * x),
        ["x > 0.3"] = new(typeof(GreaterOp), 1, x => Greater(x, 0.3) * x * x),
        ["0.3 > x"] = new(typeof(GreaterOp), 0, x => Greater(0.3, x) * x * x),
        ["x >= 0.3"] = new(typeof(GreaterEqualOp), 1, x => GreaterEqual(x, 0.3) * x * x),
        ["0.3 >= x"] = new(typeof(GreaterEqualOp), 0, x => GreaterEqual(0.3, x) * x * x),
        ["x < 0.3"] = new(typeof(LessOp), 1, x => Less(x, 0.3) * x * x),
        ["0.3 < x"] = new(typeof(LessOp), 0, x => Less(0.3, x) * x * x),
        ["x <= 0.3"] = new(typeof(LessEqualOp), 1, x => LessEqual(x, 0.3) * x * x),
        ["0.3 <= x"] = new(typeof(LessEqualOp), 0, x => LessEqual(0.3, x) * x * x),
        ["x == 0.5"] = new(typeof(EqualOp), 1, x => (Equal(x, 0.5) + 1.0) * x * x),
        ["0.5 == x"] = new(typeof(EqualOp), 0, x => (Equal(0.5, x) + 1.0) * x * x),
        ["x != 0.5"] = new(typeof(NotEqualOp), 1, x => (NotEqual(x, 0.5) + 1.0) * x * x),
        ["0.5 != x"] = new(typeof(NotEqualOp), 0, x => (NotEqual(0.5, x) + 1.0) * x * x),
        ["Where(1, x, 2)"] = new(typeof(WhereOp), 0, x => Where(1.0, x * x, 2.0)),
        ["Where(c, x², 0.5)"] = new(typeof(WhereOp), 2, x => Where(Greater(x, 0.0), x * x, 0.5)),
        ["Where(c, 0.5, x²)"] = new(typeof(WhereOp), 1, x => Where(Greater(x, 0.0), 0.5, x * x)),
        ["Map(a ^ 3)"] = new(typeof(MapOp), 1, x => Map(x, a => Pow(a, 3.0))),
        ["Map(2 ^ a)"] = new(typeof(MapOp), 0, x => Map(x, a => Pow(2.0, a))),
        ["Map(x, 2, a·b²)"] = new(typeof(MapOp), 1, x => Map(x, 2.0, (a, b) => a * a * b)),
        ["Map(2, x, a·b²)"] = new(typeof(MapOp), 0, x => Map(2.0, x, (a, b) => a * b * b)),
    };

    public static TheoryData<string, DType> Names
    {
        get
        {
            var data = new TheoryData<string, DType>();
            foreach (var name in Cases.Keys)
            {
                data.Add(name, DType.Float32);
                data.Add(name, DType.Float64);
            }
            return data;
        }
    }

    /// <summary>Each op with operands has a case with the bare number in each of its positions.</summary>
    [Fact]
    public void EveryOpWithOperandsHasACaseForEachPosition()
    {
        var binary = typeof(Op).Assembly.GetTypes().Where(t => !t.IsAbstract && t.IsSubclassOf(typeof(BinaryOp)));
        var expected = binary.SelectMany(t => new[] { (t, 0), (t, 1) })
            .Concat([(typeof(WhereOp), 0), (typeof(WhereOp), 1), (typeof(WhereOp), 2), (typeof(MapOp), 0), (typeof(MapOp), 1)])
            .ToList();
        Assert.True(expected.Count >= 30, $"reflection found only {expected.Count} positions");
        var missing = expected.Where(p => !Cases.Values.Any(c => c.Op == p.Item1 && c.Position == p.Item2)).ToList();
        Assert.True(missing.Count == 0, "no bare-number case for: " + string.Join(", ", missing.Select(p => $"{p.Item1.Name} position {p.Item2}")));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void DifferentiatesToSecondOrder(string name, DType dtype)
    {
        var c = Cases[name];
        var value = Tensor.FromArray(c.Positive ? PositiveValues : Values);
        var x64 = Expr.Placeholder("x", value.Shape);
        var built = new BuiltExpr(c.F(x64), [x64], [value]);
        Assert.Contains(GraphWalk.Topological([built.Output]), n => n.Op.GetType() == c.Op);
        DerivativeChecks.VerifyGrad(built, new Random(1), context: name);
        DerivativeChecks.VerifyJvp(built, new Random(2), context: name);
        DerivativeChecks.VerifyHvp(built, new Random(3), context: name);

        var expected = Derivatives(c, DType.Float64, value);
        var actual = Derivatives(c, dtype, value);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(dtype, actual[i].DType);
            Assert.True(actual[i].Cast(DType.Float64).AllClose(expected[i], 1e-4, 1e-4),
                $"{name} {dtype}: derivative {i} is {actual[i]}; in Float64 {expected[i]}");
        }
    }

    /// <summary>∇Σf, ∇⟨∇Σf, v⟩ (HVP), Jvp(f, v) and Jvp(∇Σf, v) at x = value, all built in <paramref name="dtype"/>.</summary>
    private static Tensor[] Derivatives(Case c, DType dtype, Tensor value)
    {
        var x = Expr.Placeholder("x", value.Shape, dtype);
        var v = Expr.Constant(Tensor.FromArray(new[] { 0.5, -1.0, 0.25, 1.5, -0.75 }).Cast(dtype));
        var f = c.F(x);
        Assert.Equal(dtype, f.DType);
        var g = Gradient(ReduceSum(f), x);
        Expr[] all = [g, Hvp(ReduceSum(f), [x], [v])[0], Jvp(f, [x], [v]), Jvp(g, [x], [v])];
        return Eval(all, new Dictionary<Expr, Tensor> { [x] = value.Cast(dtype) });
    }

}
