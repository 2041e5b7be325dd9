namespace FuncNet.Cli.Tutorial;

/// <summary>Chapter 3: the cross-entropy loss J = −Σᵢ Σⱼ cᵢⱼ log pᵢⱼ of the fixed-weight perceptron.</summary>
internal sealed class CrossEntropyChapter : Chapter
{
    public override string Name => "cross-entropy";

    public override string Title => "Training criterion: the cross-entropy J";

    /// <summary>J of softmax(X·W + b) against the one-hot classes c (a sum over points).</summary>
    public static double Loss(Tensor x, Tensor c, Tensor w, Tensor b, IBackend backend)
    {
        var xp = Expr.Placeholder("X", -1, 2);
        var cp = Expr.Placeholder("c", -1, 2);
        var p = Ops.Softmax(Ops.MatMul(xp, Expr.Variable("W", w)) + Expr.Variable("b", b));
        using var session = new Session(backend);
        return session.Run(Losses.CategoricalCrossEntropy(cp, p, Reduction.Sum), (xp, x), (cp, c)).ToScalar();
    }

    public override void Run(TutorialContext context)
    {
        var (x, c) = PointClouds.Separable(seed: 0);
        var j = Loss(x, c, PointCloudsChapter.FixedW, PointCloudsChapter.FixedB, context.Backend);
        context.Output.WriteLine($"J = −Σ c·log p with the fixed weights: {j:F6}");
        var swapped = Loss(x, c, Tensor.FromArray(new double[,] { { -1, 1 }, { -1, 1 } }), PointCloudsChapter.FixedB, context.Backend);
        context.Output.WriteLine($"J with the classes swapped (W = [[-1 1] [-1 1]]): {swapped:F6} (a bad classifier costs more)");
    }
}
