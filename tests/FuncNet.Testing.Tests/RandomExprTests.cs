using FuncNet.Testing;

namespace FuncNet.Testing.Tests;

/// <summary>The random program generator is deterministic per seed, shrinks to valid programs, and reaches the catalogue.</summary>
public class GeneratorTests
{
    [Fact]
    public void SameSeedGivesTheSameProgram()
    {
        var a = RandomExpr.Generate(1234, 8, ExprDomain.Any);
        var b = RandomExpr.Generate(1234, 8, ExprDomain.Any);
        Assert.Equal(a.ToString(), b.ToString());
        var ea = a.Build();
        var eb = b.Build();
        Assert.Equal(ea.Output.Eval(ea.Feeds), eb.Output.Eval(eb.Feeds));
    }

    [Fact]
    public void EveryShrinkIsAValidShorterProgram()
    {
        var p = RandomExpr.Generate(99, 10, ExprDomain.Smooth);
        var shrinks = p.Shrink().ToList();
        Assert.NotEmpty(shrinks);
        foreach (var s in shrinks)
        {
            Assert.True(s.Steps.Count < p.Steps.Count);
            var e = s.Build();
            Assert.Equal(e.Output.Shape, e.Output.Eval(e.Feeds).Shape);
        }
    }

    /// <summary>Across many seeds the generator reaches the op families the properties rely on, and shares nodes.</summary>
    [Fact]
    public void ProgramsCoverTheCatalogueAndShareNodes()
    {
        var seen = new HashSet<string>();
        var shared = 0;
        for (var seed = 0; seed < 300; seed++)
        {
            var e = RandomExpr.Generate(seed, 10, ExprDomain.Any).Build();
            var nodes = new HashSet<Expr>();
            var stack = new Stack<Expr>([e.Output]);
            var uses = new Dictionary<Expr, int>();
            while (stack.Count > 0)
            {
                var n = stack.Pop();
                if (!nodes.Add(n)) { continue; }
                seen.Add(n.Op.Name);
                foreach (var i in n.Inputs)
                {
                    uses[i] = uses.GetValueOrDefault(i) + 1;
                    stack.Push(i);
                }
            }
            if (uses.Values.Any(u => u > 1)) { shared++; }
        }
        string[] expected = ["Add", "Subtract", "Multiply", "Divide", "MatMul", "Transpose", "Reshape", "Concat", "Slice", "ReduceSum",
            "ReduceMax", "Softmax", "LogSoftmax", "Where", "Map", "Exp", "Log", "Sqrt", "Pow", "Sigmoid", "Tanh", "Relu", "Maximum", "SizeOf",
            "Conv2D", "AvgPool2D", "MaxPool2D"];
        Assert.Empty(expected.Except(seen));
        Assert.True(shared > 100, $"only {shared} of 300 programs share a node");
    }

    /// <summary>
    /// The smooth domain (which the gradient properties and differential fuzzing draw from) reaches every op of the
    /// convolutional and normalization vocabulary, and the full domain adds the kinked ones.
    /// </summary>
    [Theory]
    [InlineData(ExprDomain.Smooth, new[] { "Conv2D", "Conv2DTranspose", "AvgPool2D", "GlobalAvgPool2D", "Gather", "ScatterAdd", "Take", "LayerNorm",
        "BatchNorm", "BatchNormInference", "Dropout", "·RandomUniform", "·RandomNormal", "·Bernoulli", "Sin", "Cos", "Log1p∘Abs", "Expm1∘Tanh",
        "Erf", "Gelu", "GeluTanh", "Silu", "Rsqrt∘" })]
    [InlineData(ExprDomain.Any, new[] { "MaxPool2D", "Clip", "Floor", "Round", "Conv2D", "LayerNorm", "Dropout" })]
    public void ProgramsReachTheConvolutionalAndNormalizationVocabulary(ExprDomain domain, string[] expected)
    {
        var seen = new HashSet<string>();
        for (var seed = 0; seed < 400; seed++)
        {
            foreach (var step in RandomExpr.Generate(seed, 10, domain).Steps)
            {
                seen.Add(step.Description.Split('[', '(')[0] is var name && name.Length > 0 ? name : step.Description);
            }
        }
        Assert.Empty(expected.Except(seen));
    }
}
