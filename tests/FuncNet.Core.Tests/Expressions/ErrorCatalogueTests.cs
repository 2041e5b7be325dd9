using System.Reflection;
using System.Text.RegularExpressions;
using static FuncNet.Ops;

namespace FuncNet.Tests.Expressions;

/// <summary>docs/errors.md against the code: every exception class is listed, every test it names exists; plus the catalogue's own cases.</summary>
public partial class ErrorCatalogueTests
{
    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FuncNet.sln"))) { return dir.FullName; }
        }
        throw new InvalidOperationException("FuncNet.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"`(?<class>[A-Z]\w+)\.(?<method>[A-Z]\w+)`")]
    private static partial Regex TestReference();

    [Fact]
    public void EveryExceptionClassIsCataloguedAndEveryNamedTestExists()
    {
        var root = RepositoryRoot();
        var doc = File.ReadAllText(Path.Combine(root, "docs", "errors.md"));
        var classes = typeof(FuncNetException).Assembly.GetTypes().Where(t => typeof(FuncNetException).IsAssignableFrom(t) && t.IsPublic);
        foreach (var c in classes) { Assert.Contains($"## {c.Name}", doc); }
        var sources = Directory.GetFiles(Path.Combine(root, "tests"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText).ToArray();
        var references = TestReference().Matches(doc).Select(m => (Class: m.Groups["class"].Value, Method: m.Groups["method"].Value))
            .Where(r => r.Class.EndsWith("Tests", StringComparison.Ordinal)).Distinct().ToArray();
        Assert.True(references.Length > 20, $"expected the catalogue to name its tests; found {references.Length}");
        foreach (var (cls, method) in references)
        {
            Assert.True(sources.Any(s => Regex.IsMatch(s, $@"class {cls}\b") && Regex.IsMatch(s, $@"\b(void|Property) {method}\(")),
                $"docs/errors.md names {cls}.{method}, which no test defines");
        }
    }

    [Fact]
    public void FeedingAComputedNodeIsRejected()
    {
        var x = Expr.Placeholder("x", Shape.Of(2));
        var y = x + 1.0;
        var e = Assert.Throws<FuncNetException>(() => (y * 2.0).Eval((x, Tensor.Ones(Shape.Of(2))), (y, Tensor.Ones(Shape.Of(2)))));
        Assert.Contains("Only placeholders and variables can be fed", e.Message);
    }

    [Fact]
    public void AssigningToANonVariableIsRejected()
    {
        var x = Expr.Placeholder("x", Shape.Of(2));
        var e = Assert.Throws<FuncNetException>(() => Plan.Compile([x], [KeyValuePair.Create(x + 1.0, x)], Backend.Reference));
        Assert.Contains("only variables can be assigned", e.Message);
    }

    [Fact]
    public void OptimizerHyperParametersAreChecked()
    {
        Assert.Contains("beta1: expected a number in [0, 1); given 1.5",
            Assert.Throws<FuncNetException>(() => new AdamOptimizer(new ConstantLearningRate(0.1), 1.5, 0.999, 1e-8)).Message);
    }

    [Fact]
    public void AssigningAValueOfTheWrongShapeIsRejected()
    {
        var w = Expr.Variable("w", Tensor.FromArray(new[] { 1.0, 2.0 }));
        using var session = new Session(Backend.Reference);
        var e = Assert.Throws<ShapeException>(() => session.Assign(w, Tensor.FromArray(new[] { 1.0, 2.0, 3.0 })));
        Assert.Contains("Assign to variable 'w'", e.Message);
    }

    [Fact]
    public void ATensorNeedsOneElementPerPosition()
    {
        var e = Assert.Throws<ShapeException>(() => Tensor.Create(Shape.Of(2, 2), new[] { 1.0, 2.0, 3.0 }));
        Assert.Contains("needs 4 elements; given 3", e.Message);
    }
}
