using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using FuncNet.Testing;
using FuncNet.Tests.Support;
using FuncNet.Rewriting;
using static FuncNet.Ops;

namespace FuncNet.Tests.Rewriting;

/// <summary>
/// Every rewrite rule preserves values: on an expression built to trigger it (asserting that it fires) and
/// on random programs, comparing plans compiled with and without rewriting.
/// </summary>
public class RewriteRuleTests
{
    private static readonly Expr X = Expr.Placeholder("x", 2, 3);
    private static readonly Expr Y = Expr.Placeholder("y", 3, 4);
    private static readonly Expr C = Expr.Placeholder("c", 3, 1);

    private static readonly Dictionary<Expr, Tensor> Feeds = new()
    {
        [X] = RandomExpr.RandomValues(new Random(1), X.Shape),
        [Y] = RandomExpr.RandomValues(new Random(2), Y.Shape),
        [C] = RandomExpr.RandomValues(new Random(3), C.Shape),
    };

    /// <summary>For each rule (by name) expressions on which it fires.</summary>
    private static readonly Dictionary<string, Func<Expr>[]> Triggers = new()
    {
        ["custom VJP → its body"] = [() => CustomVjp("Scaled", xs => Tanh(xs[0]) * xs[1], (xs, _, g) => [g, g], X, X * 2.0)],
        ["fold constants"] = [() => X + Exp(Expr.Constant(Tensor.FromArray(new[] { 0.5, 1.0, 2.0 })))],
        ["fold sizes of known shapes"] = [() => ReduceMean(X, 1)],
        ["x + 0 → x"] = [() => X + 0.0, () => 0.0 + X, () => X - 0.0, () => 0.0 - X],
        ["x · 1 → x"] = [() => X * 1.0, () => 1.0 * X, () => X / 1.0, () => X * -1.0, () => -1.0 * X],
        ["x · 0 → zeros of the shape"] = [() => X * 0.0, () => 0.0 * X],
        ["−(−x) → x"] = [() => -(-X)],
        ["transpose ∘ transpose → one transpose"] = [() => Transpose(Transpose(Reshape(Y, 2, 3, 2), 1, 2, 0), 2, 0, 1), () => Transpose(Transpose(Reshape(Y, 2, 3, 2), 1, 2, 0), 0, 2, 1)],
        ["reshape ∘ reshape → one reshape"] = [() => Reshape(Reshape(X, 6), 3, 2), () => ExpandDims(Reshape(X, 6), 0)],
        ["broadcast or sum to the same shape → x"] = [() => Expr.Make(new BroadcastLikeOp(), X, X * 2.0), () => Expr.Make(new SumToOp(), X, X * 2.0)],
        ["sum of a broadcast → scaled value"] = [() => ReduceSum(BroadcastTo(C, Shape.Of(3, 4)), 1), () => SumToShapeOf(BroadcastTo(C, Shape.Of(3, 4)), C * 1.5)],
        ["log ∘ softmax → LogSoftmax"] = [() => Log(Softmax(X)), () => Log(Softmax(X, 0))],
        ["log ∘ sigmoid → −softplus(−x)"] = [() => Log(Sigmoid(X))],
        ["max-pool ∘ relu → relu ∘ max-pool"] = [() => MaxPool2D(Relu(Images()), 2), () => MaxPool2D(Relu(Images()), 2, 1, Padding2D.Valid)],
        ["max-pool ∘ (x + per-channel c) → max-pool(x) + c"] =
        [
            () => MaxPool2D(Images() + Reshape(ReduceSum(X, 1), 2, 1, 1), 2),
            () => MaxPool2D(Reshape(ReduceSum(X, 1), 1, 2, 1, 1) + Images(), 2),
            () => MaxPool2D(Images() + ReduceSum(X), 2),
        ],
        ["transpose into MatMul flags"] = [() => MatMul(Transpose(X), X), () => MatMul(Y, Transpose(Y)), () => MatMul(X, Transpose(Transpose(Y)))],
    };

    /// <summary>Images (2, 2, 2, 4) with negative and positive values, from the fed placeholders.</summary>
    private static Expr Images() => Reshape(MatMul(Concat([X, X * -0.5], 0), Concat([Y, Y * 2.0], 1)), 2, 2, 2, 4);

    private static RewriteRule Rule(string name) => Simplifier.Rules.Single(r => r.Name == name);

    public static TheoryData<string> RuleNames => new(Simplifier.Rules.Select(r => r.Name));

    [Fact]
    public void PoolingIsNotMovedPastAnAddThatVariesWithinTheWindowOrWhereItWouldNotShrink()
    {
        var alongW = MaxPool2D(Images() + Reshape(ReduceSum(Y, 0), 4), 2); // c varies along W
        var alongH = MaxPool2D(Images() + Reshape(ReduceSum(X, 1), 1, 2, 1), 2); // shape (1, 2, 1): varies along H
        var same = MaxPool2D(Relu(Images()), 3, 1, Padding2D.Same);
        foreach (var e in new[] { alongW, alongH, same })
        {
            Assert.All(PoolingFirst.All, rule => Assert.Null(rule.Apply(e)));
        }
    }

    [Fact]
    public void TheGradientOfPoolingAfterBiasAndReluIsBuiltOnThePooledImages()
    {
        var bias = Reshape(ReduceSum(X, 1), 2, 1, 1);
        var images = Images();
        var loss = ReduceSum(MaxPool2D(Relu(images + bias), 2) * 3.0);
        var grads = Gradients(loss, [X, Y]);
        var ops = AllNodes(Simplify(grads)[0]).Concat(AllNodes(Simplify(grads)[1])).ToList();
        // The ReLU's derivative (y > 0) is taken on the pooled (2, 2, 1, 2) images, not the (2, 2, 2, 4) ones.
        Assert.Contains(ops, n => n.Op is GreaterOp && n.Shape == Shape.Of(2, 2, 1, 2));
        Assert.DoesNotContain(ops, n => n.Op is GreaterOp && n.Shape == images.Shape);
        // And it is the gradient: against central differences, at a point where no window ties.
        var rng = new Random(5);
        var point = Tensor.FromSpan(Shape.Of(2, 3, 4, 4), Enumerable.Range(0, 96).Select(i => (i * 37 % 96 - 48) / 10.0 + rng.NextDouble() * 0.01).ToArray(), DType.Float64);
        var channel = Tensor.FromSpan(Shape.Of(3, 1, 1), [0.3, -0.2, 0.1], DType.Float64);
        GradCheck.Gradients(v => ReduceSum(MaxPool2D(Relu(v[0] + v[1]), 2) * 3.0), point, channel).ThrowIfFailed();
    }

    [Fact]
    public void EveryRuleHasATriggerCase()
    {
        var missing = Simplifier.Rules.Select(r => r.Name).Except(Triggers.Keys).ToList();
        Assert.True(missing.Count == 0, $"rules without a trigger case: {string.Join(", ", missing)}");
        Assert.Equal(Simplifier.Rules.Count, Simplifier.Rules.Select(r => r.Name).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(RuleNames))]
    public void RuleFiresAndPreservesValues(string name)
    {
        var rule = Rule(name);
        foreach (var build in Triggers[name])
        {
            var e = build();
            var fired = AllNodes(e).Count(n => rule.Apply(n) is { } r && r != n);
            Assert.True(fired > 0, $"rule '{name}' does not fire on {e}");
            // The rule alone, then the whole rewriter: both must keep shape, dtype and values.
            var alone = Simplifier.Simplify([e], [rule])[0];
            Assert.NotEqual(e, alone);
            var all = Simplify(e)[0];
            var expected = Run(e, rewrite: false);
            foreach (var rewritten in new[] { alone, all })
            {
                Assert.Equal(e.Shape, rewritten.Shape);
                Assert.Equal(e.DType, rewritten.DType);
                TensorAssert.Close(expected, Run(rewritten, rewrite: false), 1e-12, 1e-12);
            }
            TensorAssert.Close(expected, Run(e, rewrite: true), 1e-12, 1e-12);
        }
    }

    /// <summary>Plan.Compile (rewritten) agrees with Plan.CompileUnrewritten on random programs of the whole catalogue.</summary>
    [Property(MaxTest = 60)]
    public Property RewrittenPlansAgreeWithUnrewrittenOnes() =>
        Prop.ForAll(RandomExpr.Programs(ExprDomain.Any), p =>
        {
            var e = p.Build();
            using var plain = Plan.CompileUnrewritten([e.Output]);
            using var rewritten = Plan.Compile(e.Output);
            var expected = plain.Run(e.Feeds)[0];
            var actual = rewritten.Run(e.Feeds)[0];
            Assert.True(expected.AllClose(actual, 1e-9, 1e-12), $"{p}\nunrewritten\n{expected}\nrewritten\n{actual}");
        });

    /// <summary>Each rule on its own preserves the values of random programs (and of their gradients, which give the rules more to do).</summary>
    [Property(MaxTest = 30)]
    public Property EachRuleAlonePreservesValues() =>
        Prop.ForAll(RandomExpr.Programs(ExprDomain.Smooth), p =>
        {
            var e = p.Build();
            Expr[] outputs = [e.Output, .. Gradients(ReduceSum(Square(e.Output)), e.Inputs.ToArray())];
            using var plain = Plan.CompileUnrewritten(outputs);
            var expected = plain.Run(e.Feeds);
            foreach (var rule in Simplifier.Rules)
            {
                using var plan = Plan.CompileUnrewritten(Simplifier.Simplify(outputs, [rule]));
                var actual = plan.Run(e.Feeds);
                for (var i = 0; i < outputs.Length; i++)
                {
                    Assert.True(expected[i].AllClose(actual[i], 1e-9, 1e-12), $"rule '{rule.Name}', output {i}\n{p}");
                }
            }
        });

    [Fact]
    public void SimplifyReachesAFixpoint()
    {
        var e = Log(Sigmoid(-(-(X * 1.0 + 0.0))));
        var once = Simplify(e)[0];
        Assert.Equal(once, Simplify(once)[0]);
        Assert.Equal("-Softplus(-x)", once.ToString());
    }

    private static Tensor Run(Expr e, bool rewrite)
    {
        using var plan = rewrite ? Plan.Compile(e) : Plan.CompileUnrewritten([e]);
        return plan.Run(Feeds.Where(f => plan.Placeholders.Contains(f.Key)).ToDictionary())[0];
    }

    private static List<Expr> AllNodes(Expr root)
    {
        var seen = new HashSet<Expr>();
        var stack = new Stack<Expr>([root]);
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            if (seen.Add(n)) { foreach (var i in n.Inputs) { stack.Push(i); } }
        }
        return seen.ToList();
    }
}
