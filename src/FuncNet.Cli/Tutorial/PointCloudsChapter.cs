using static FuncNet.Ops;

namespace FuncNet.Cli.Tutorial;

/// <summary>Chapter 2: the red and blue point clouds classified by a softmax perceptron with fixed weights W = [[1, −1], [1, −1]], b = [0, 0].</summary>
internal sealed class PointCloudsChapter : Chapter
{
    /// <summary>The notebook's hand-picked weights: class 0 (blue) scores x₁ + x₂, class 1 (red) its negative.</summary>
    public static readonly Tensor FixedW = Tensor.FromArray(new double[,] { { 1, -1 }, { 1, -1 } });

    /// <summary>b = [0, 0].</summary>
    public static readonly Tensor FixedB = Tensor.FromArray(new[] { 0.0, 0.0 });

    public override string Name => "point-clouds";

    public override string Title => "Perceptrons: red and blue point clouds with fixed weights";

    /// <summary>p = softmax(X·W + b), one row of class probabilities per point.</summary>
    public static Tensor Probabilities(Tensor x, Tensor w, Tensor b, IBackend backend)
    {
        var xp = Expr.Placeholder("X", -1, 2);
        using var session = new Session(backend);
        return session.Run(Softmax(MatMul(xp, Expr.Variable("W", w)) + Expr.Variable("b", b)), (xp, x));
    }

    public override void Run(TutorialContext context)
    {
        var (x, c) = PointClouds.Separable(seed: 0);
        var p = Probabilities(x, FixedW, FixedB, context.Backend);
        var rows = p.ToArray2D();
        context.Output.WriteLine($"W = {Format(FixedW)}, b = {Format(FixedB)}");
        context.Output.WriteLine("p = softmax(X·W + b), first three (blue) points:");
        for (var i = 0; i < 3; i++) { context.Output.WriteLine($"  [{rows[i, 0]:F6} {rows[i, 1]:F6}]"); }
        var path = Plotting.Plots.Save(context.OutDirectory, "point-clouds.png", context.Output, plot =>
        {
            Plotting.Plots.PointClouds(plot, x.ToArray2D(), c.ToArray2D(), "Red and blue points, fixed weights");
            Plotting.Plots.PerceptronBoundary(plot, FixedW.ToArray2D(), FixedB.ToDoubleArray(), -5, 5);
        });
        if (path is not null) { context.Output.WriteLine($"  plot: {path}"); }
    }
}
