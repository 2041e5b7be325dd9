using static FuncNet.Ops;

namespace FuncNet.Tests.Expressions;

/// <summary>The README's "A first expression" snippet, run as written: its comments must show what it prints.</summary>
public class ReadmeExampleTests
{
    private static readonly string Readme = File.ReadAllText(Path.Combine(Fixtures.Root, "..", "..", "README.md"));

    [Fact]
    public void TheFirstExpressionPrintsWhatTheReadmeSays()
    {
        var x = Expr.Placeholder("x", Shape.Of(2));
        var w = Expr.Variable("w", Tensor.FromArray(new[] { 1.0, 1.0 }));
        var b = Expr.Variable("b", 0.0);
        var p = Sigmoid(MatMul(w, x) + b);
        var dp = Gradients(p, w, b);
        var feed = Tensor.FromArray(new[] { 3.0, 2.0 });

        AssertPrinted("Console.WriteLine(p);", p.ToString());
        AssertPrinted("Console.WriteLine(p.Eval((x, feed)));", p.Eval((x, feed)).ToString());
        AssertPrinted("Console.WriteLine(p.Eval((x, feed)).ToScalar());", p.Eval((x, feed)).ToScalar().ToString(System.Globalization.CultureInfo.InvariantCulture));
        AssertPrinted("Console.WriteLine(dp[0].Eval((x, feed)));", dp[0].Eval((x, feed)).ToString());
        // The curriculum's number (the fixture's nb_cell33_sigmoid_perceptron), so the snippet is also right.
        var expected = Fixtures.Load("tensorslow/unit_cases.json").GetProperty("nb_cell33_sigmoid_perceptron");
        Assert.Equal(expected.GetProperty("p").GetDouble(), p.Eval((x, feed)).ToScalar(), 15);
    }

    /// <summary>The README line holding <paramref name="statement"/> ends in the comment <c>// printed</c> (an aside may follow two spaces later).</summary>
    private static void AssertPrinted(string statement, string printed)
    {
        var line = Readme.Split('\n').SingleOrDefault(l => l.TrimStart().StartsWith(statement, StringComparison.Ordinal));
        Assert.True(line is not null, $"README.md has no line starting with {statement}");
        var comment = line![(line.IndexOf("//", StringComparison.Ordinal) + 2)..].Trim();
        var shown = comment.Split("  (")[0];
        Assert.Equal(printed, shown);
    }
}
