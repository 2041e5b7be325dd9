using FuncNet.Testing;
using FsCheck;
using FsCheck.Fluent;
using FuncNet.Tests.Support;
using FuncNet.Expressions;
using static FuncNet.Ops;

namespace FuncNet.Tests.Differentiation;

/// <summary>
/// Forward and reverse mode must be each other's adjoint, ⟨J v, u⟩ = ⟨v, Jᵀ u⟩, also on graphs whose tensors
/// have zero-length axes: the derivative with respect to an empty tensor is the zero map, so an empty axis
/// must contribute nothing to either side (not 0/0).
/// </summary>
public class EmptyAxisDerivativeTests
{
    [Fact]
    public void JvpOfAMeanOverAnEmptyAxisIsZeroWhileItsValueIsNaN()
    {
        foreach (var shape in new[] { Shape.Of(3, 0), Shape.Of(-1, 0) })
        {
            var x = Expr.Placeholder("x", shape);
            var y = Expr.Placeholder("y", Shape.Of(3));
            var mean = ReduceMean(x, 1);
            var f = mean * 0.0 + y * 2.0;
            var feeds = new Dictionary<Expr, Tensor> { [x] = Tensor.Zeros(Shape.Of(3, 0)), [y] = Tensor.Ones(Shape.Of(3)) };
            var values = Eval([mean, Jvp(mean, [x], [ZerosLike(x) + 1.0]), Jvp(ReduceSum(mean), [x, y], [ZerosLike(x) + 1.0, OnesLike(y)])], feeds);
            Assert.All(values[0].ToDoubleArray(), v => Assert.True(double.IsNaN(v), $"mean of nothing should be NaN; given {v}"));
            Assert.Equal(Tensor.Zeros(Shape.Of(3)), values[1]);
            Assert.Equal(0.0, values[2].ToScalar());
            // Reverse mode agrees: the gradient for y is 2 and the one for x empty.
            var grads = Eval(Gradients(ReduceSum(f), x, y), feeds);
            Assert.Equal(Shape.Of(3, 0), grads[0].Shape);
            Assert.Equal(Tensor.FromArray(new[] { 2.0, 2.0, 2.0 }), grads[1]);
        }
        // Over the empty leading axis of (0, 3): three NaN means, three zero tangents.
        var z = Expr.Placeholder("z", Shape.Of(0, 3));
        var tangent = Jvp(ReduceMean(z, 0), [z], [Expr.Constant(Tensor.Zeros(Shape.Of(0, 3)))]).Eval((z, Tensor.Zeros(Shape.Of(0, 3))));
        Assert.Equal(Tensor.Zeros(Shape.Of(3)), tangent);
    }

    [Fact]
    public void TheEmptyAxisGeneratorMakesEmptyTensors()
    {
        var programs = Enumerable.Range(0, 30).Select(seed => RandomExpr.Generate(seed, 6, ExprDomain.Smooth, emptyAxes: true).Build()).ToList();
        Assert.All(programs, e => Assert.Contains(e.Values, v => v.Size == 0));
        Assert.Contains(programs, e => e.Output.Shape.Size > 0);
    }

    [Fact]
    public void JvpAndVjpAreAdjointOnRandomGraphsWithEmptyAxes()
    {
        var finite = 0;
        var property = Prop.ForAll(RandomExpr.ProgramsWithEmptyAxes(ExprDomain.Smooth), p =>
        {
            var e = p.Build();
            var rng = new Random(p.Seed);
            var u = DerivativeChecks.Direction(rng, e.Output.Shape);
            var v = e.Values.Select(t => DerivativeChecks.Direction(rng, t.Shape)).ToArray();
            var jv = Jvp(e.Output, e.Inputs, v.Select(Expr.Constant).ToArray());
            var jtu = Gradients(e.Output, e.Inputs, Expr.Constant(u));
            // A mean over nothing is NaN, and a NaN value legitimately poisons derivatives taken through it
            // (NaN · 0, in either mode); the identity is owed wherever every value of the graph is finite.
            var nodes = GraphWalk.Topological([e.Output]);
            if (!Eval(nodes, e.Feeds).All(t => t.ToDoubleArray().All(double.IsFinite)))
            {
                return;
            }
            var values = Eval([jv, .. jtu], e.Feeds);
            var left = Dot(values[0], u);
            var right = Enumerable.Range(0, v.Length).Sum(i => Dot(values[1 + i], v[i]));
            finite++;
            Assert.True(Math.Abs(left - right) <= 1e-9 * (1 + Math.Abs(left) + Math.Abs(right)), $"⟨Jv, u⟩ = {left}, ⟨v, Jᵀu⟩ = {right}\n{p}");
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(100), property);
        Assert.True(finite >= 30, $"only {finite} of 100 programs had finite values: the test would check little");
    }


    private static double Dot(Tensor a, Tensor b) => a.ToDoubleArray().Zip(b.ToDoubleArray(), (x, y) => x * y).Sum();
}
