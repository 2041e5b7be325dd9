using static FuncNet.Ops;

namespace FuncNet.Cli.Tutorial;

/// <summary>Chapter 1: computational graphs. z = A·x + b, then the sigmoid perceptron σ(w·x + b).</summary>
internal sealed class AffineGraphChapter : Chapter
{
    public override string Name => "affine";

    public override string Title => "Computational graphs: the affine map and the sigmoid perceptron";

    /// <summary>A·x + b for A = [[1, 0], [0, −1]], b = [1, 1], x = [1, 2]: the notebook's [2, −1].</summary>
    public static Tensor Affine(Tensor a, Tensor b, Tensor x, IBackend backend)
    {
        var xp = Expr.Placeholder("x", x.Shape);
        using var session = new Session(backend);
        return session.Run(MatMul(Expr.Variable("A", a), xp) + Expr.Variable("b", b), (xp, x));
    }

    /// <summary>σ(w·x + b): the notebook's 0.9933071490757153 for w = [1, 1], b = 0, x = [3, 2].</summary>
    public static double SigmoidPerceptron(Tensor w, double b, Tensor x, IBackend backend)
    {
        var xp = Expr.Placeholder("x", x.Shape);
        using var session = new Session(backend);
        return session.Run(Sigmoid(MatMul(Expr.Variable("w", w), xp) + Expr.Variable("b", b)), (xp, x)).ToScalar();
    }

    public override void Run(TutorialContext context)
    {
        var o = context.Output;
        var a = Expr.Variable("A", new double[,] { { 1, 0 }, { 0, -1 } });
        var b = Expr.Variable("b", new[] { 1.0, 1.0 });
        var x = Expr.Placeholder("x", Shape.Of(2));
        o.WriteLine($"z = {MatMul(a, x) + b}");
        o.WriteLine($"z(x = [1, 2]) = {Format(Affine(a.InitialValue, b.InitialValue, Tensor.FromArray(new[] { 1.0, 2.0 }), context.Backend))}");
        var p = SigmoidPerceptron(Tensor.FromArray(new[] { 1.0, 1.0 }), 0, Tensor.FromArray(new[] { 3.0, 2.0 }), context.Backend);
        o.WriteLine($"p = sigmoid(w·x + b) with w = [1, 1], b = 0, x = [3, 2]: {p:R}");
    }
}
