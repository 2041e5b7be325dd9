using FuncNet.Testing;
using static FuncNet.Ops;

namespace FuncNet.Backends.Tests.Examples;

/// <summary>
/// The vocabulary composes beyond images: a one-block, one-head decoder-only transformer (token and position
/// embeddings, pre-LayerNorm, batched MatMul attention with a causal mask, Softmax, an MLP, residuals) learns
/// to reverse three-digit strings. A sequence is d₁ d₂ d₃ | d₃ d₂ and the model predicts, at each position
/// from the separator on, the next token: d₃ d₂ d₁. Tokens are Int32 ids looked up with Embedding; the MLP
/// uses the exact GELU.
/// </summary>
public class AttentionExampleTests
{
    private const int Digits = 4;           // tokens 0..3 are digits, 4 is the separator
    private const int Vocabulary = Digits + 1;
    private const int Length = 6;           // d1 d2 d3 | d3 d2
    private const int Width = 16;

    /// <summary>Parameter shapes for a model of the given width, in the order <see cref="Logits"/> reads them.</summary>
    private static Shape[] ParameterShapes(int width) =>
    [
        Shape.Of(Vocabulary, width), Shape.Of(Length, width),                    // token and position embeddings
        Shape.Of(width), Shape.Of(width),                                          // LayerNorm 1
        Shape.Of(width, width), Shape.Of(width, width), Shape.Of(width, width), Shape.Of(width, width), // Wq Wk Wv Wo
        Shape.Of(width), Shape.Of(width),                                          // LayerNorm 2
        Shape.Of(width, 2 * width), Shape.Of(2 * width), Shape.Of(2 * width, width), Shape.Of(width), // MLP
        Shape.Of(width), Shape.Of(width), Shape.Of(width, Vocabulary),             // final LayerNorm, unembedding
    ];

    /// <summary>Logits [batch, Length, Vocabulary] of token ids [batch, Length].</summary>
    private static Expr Logits(Expr tokens, IReadOnlyList<Expr> p)
    {
        var x = Embedding(p[0], tokens) + p[1];
        var h = LayerNorm(x, p[2], p[3]);
        var q = MatMul(h, p[4]);
        var k = MatMul(h, p[5]);
        var v = MatMul(h, p[6]);
        // Position i attends to positions j ≤ i only: the mask adds −1e9 above the diagonal before the softmax.
        var mask = Tensor.Create(Shape.Of(Length, Length),
            Enumerable.Range(0, Length * Length).Select(n => n % Length > n / Length ? -1e9 : 0.0).ToArray()).Cast(p[0].DType);
        var scores = MatMul(q, k, false, true) / Math.Sqrt(p[0].Shape[1]) + Expr.Constant(mask);
        x = x + MatMul(MatMul(Softmax(scores), v), p[7]);
        var m = LayerNorm(x, p[8], p[9]);
        x = x + MatMul(Gelu(MatMul(m, p[10]) + p[11]), p[12]) + p[13];
        return MatMul(LayerNorm(x, p[14], p[15]), p[16]);
    }

    /// <summary>Every three-digit string: token ids, and one-hot targets at the three answer positions (zero rows elsewhere).</summary>
    private static (Tensor Inputs, Tensor Targets, int[][] Answers) Data(DType dtype)
    {
        var strings = Enumerable.Range(0, Digits * Digits * Digits).Select(n => new[] { n / (Digits * Digits), n / Digits % Digits, n % Digits }).ToArray();
        var inputs = new int[strings.Length * Length];
        var targets = new double[strings.Length * Length * Vocabulary];
        for (var s = 0; s < strings.Length; s++)
        {
            var d = strings[s];
            int[] sequence = [d[0], d[1], d[2], Digits, d[2], d[1]];
            sequence.CopyTo(inputs, s * Length);
            for (var a = 0; a < 3; a++) { targets[(s * Length + 3 + a) * Vocabulary + d[2 - a]] = 1; }
        }
        var shape = Shape.Of(strings.Length, Length, Vocabulary);
        return (Tensor.Create(Shape.Of(strings.Length, Length), inputs), Tensor.Create(shape, targets).Cast(dtype), strings);
    }

    /// <summary>Mean cross-entropy over the answer positions (the targets' non-zero rows).</summary>
    private static Expr Loss(Expr targets, Expr logits) =>
        -ReduceSum(targets * LogSoftmax(logits)) / ReduceSum(targets);

    private static Tensor Initial(Shape shape, int seed, DType dtype)
    {
        // LayerNorm scales start at one and shifts at zero; matrices Glorot-uniform.
        if (shape.Rank == 1)
        {
            return Tensor.Zeros(shape, dtype);
        }
        return Initializers.GlorotUniform(seed).Create(shape, dtype);
    }

    [Fact]
    public void OneAttentionBlockLearnsToReverseDigitStrings()
    {
        var (inputs, targets, strings) = Data(DType.Float32);
        var tokens = Expr.Placeholder("tokens", Shape.Of(-1, Length), DType.Int32);
        var y = Expr.Placeholder("targets", Shape.Of(-1, Length, Vocabulary), DType.Float32);
        var parameters = ParameterShapes(Width).Select((s, i) => Expr.Variable($"p{i}",
            i is 2 or 8 or 14 ? Tensor.Ones(s, DType.Float32) : Initial(s, i, DType.Float32))).ToArray();
        var logits = Logits(tokens, parameters);
        var loss = Loss(y, logits);
        var step = new AdamOptimizer(0.02).Minimize(loss);
        // The managed CPU backend: the Reference oracle would take minutes for these steps.
        using var session = new Session(Cpu.Backends.Managed);
        for (var i = 0; i < 150; i++) { session.Run(step, (tokens, inputs), (y, targets)); }

        var predicted = session.Run(ArgMax(logits, -1), (tokens, inputs)).ToIntArray();
        var correct = 0;
        for (var s = 0; s < strings.Length; s++)
        {
            if (Enumerable.Range(0, 3).All(a => predicted[s * Length + 3 + a] == strings[s][2 - a])) { correct++; }
        }
        Assert.True(correct >= 0.95 * strings.Length, $"reversed {correct} of {strings.Length} strings; loss {session.Run(loss, (tokens, inputs), (y, targets)).ToScalar():F4}");
    }

    [Fact]
    public void TheAttentionBlockGradientsMatchFiniteDifferences()
    {
        // Two strings in Float64 and a narrow model: every parameter is an input of the check.
        var (inputs, targets, _) = Data(DType.Float64);
        var two = Expr.Constant(Tensor.Create(Shape.Of(2, Length), inputs.ToIntArray()[(7 * Length)..(9 * Length)]));
        var twoTargets = Expr.Constant(Tensor.Create(Shape.Of(2, Length, Vocabulary), targets.ToDoubleArray()[(7 * Length * Vocabulary)..(9 * Length * Vocabulary)]));
        var at = ParameterShapes(4).Select((s, i) => s.Rank == 1
            ? Tensor.Create(s, RandomExpr.RandomValues(new Random(100 + i), s).ToDoubleArray().Select(v => 1 + 0.3 * v).ToArray())
            : Initial(s, i, DType.Float64)).ToArray();
        GradCheck.Gradients(p => Loss(twoTargets, Logits(two, p)), at, GradCheckOptions.Default.WithBackend(Backend.Reference)).ThrowIfFailed();
    }
}
