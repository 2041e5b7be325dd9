using static FuncNet.Tests.Architecture.LayerRules;

namespace FuncNet.Tests.Architecture;

/// <summary>
/// FuncNet.Core's folders are one-way layers (docs/design.md, "Layers and namespaces"): the real sources obey
/// the rule, and the checker catches each kind of violation on small synthetic sources.
/// </summary>
public class LayerTests
{
    [Fact]
    public void CoreSourcesFollowTheLayers()
    {
        var sources = CoreSources();
        // Every layer of today's sources is seen, so a wrong root (no files) cannot pass vacuously.
        Assert.Contains(sources, f => f.Path == "Expressions/Op.cs");
        Assert.Contains(sources, f => f.Path == "Transforms/Vmap.cs");
        var violations = Check(sources);
        Assert.True(violations.Count == 0, "Layer violations:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void UsingALaterLayerIsAViolation()
    {
        var violations = Check(
        [
            new("Expressions/Elementwise/FooOp.cs", "using FuncNet.Differentiation;\n\nnamespace FuncNet;\n\npublic static partial class Ops { }\n"),
            new("Differentiation/ReverseMode.cs", "namespace FuncNet.Differentiation;\n\ninternal static class ReverseMode { }\n"),
        ]);
        var v = Assert.Single(violations);
        Assert.Contains("Expressions/Elementwise/FooOp.cs (layer Expressions) uses FuncNet.Differentiation from the later layer Differentiation", v);
    }

    [Fact]
    public void QualifiedNamesAndAliasesOfALaterLayerAreViolations()
    {
        var violations = Check(
        [
            new("Expressions/A.cs", "namespace FuncNet.Expressions;\n\ninternal static class A\n{\n    public static object B() => FuncNet.Rewriting.Simplifier.Rules;\n}\n"),
            new("Tensors/C.cs", "using S = FuncNet.Compilation.Arena;\n\nnamespace FuncNet.Tensors;\n\ninternal static class C { }\n"),
        ]);
        Assert.Equal(2, violations.Count);
        Assert.Contains(violations, v => v.StartsWith("Expressions/A.cs (layer Expressions) uses FuncNet.Rewriting from the later layer Rewriting", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith("Tensors/C.cs (layer Tensors) uses FuncNet.Compilation from the later layer Compilation", StringComparison.Ordinal));
    }

    [Fact]
    public void EarlierAndSameLayersAndProseAreAllowed()
    {
        var violations = Check(
        [
            new("Rewriting/R.cs",
                "using FuncNet.Expressions;\nusing FuncNet.Rewriting;\n\nnamespace FuncNet.Rewriting;\n\n" +
                "// FuncNet.Compilation and Session are mentioned here only in prose.\n" +
                "internal static class R\n{\n    public static string S() => \"FuncNet.Training.Session\";\n}\n"),
            new("Training/Session.cs", "namespace FuncNet;\n\npublic sealed class Session { }\n"),
        ]);
        Assert.Empty(violations);
    }

    [Fact]
    public void APublicTypeOfALaterLayerIsAViolation()
    {
        var violations = Check(
        [
            new("Expressions/E.cs", "namespace FuncNet.Expressions;\n\ninternal static class E\n{\n    public static Session? Current;\n}\n"),
            new("Training/Session.cs", "namespace FuncNet;\n\npublic sealed class Session { }\n"),
        ]);
        var v = Assert.Single(violations);
        Assert.StartsWith("Expressions/E.cs (layer Expressions) uses the type Session from the later layer Training", v, StringComparison.Ordinal);
    }

    [Fact]
    public void AnInternalTypeBesideAPublicOneInALaterLayerIsAViolation()
    {
        // An op record shares its file (and the facade namespace) with its Ops entry, so no using betrays its use.
        var violations = Check(
        [
            new("Differentiation/CustomVjpOp.cs", "namespace FuncNet;\n\ninternal sealed record CustomVjpOp : Op;\n\npublic static partial class Ops { }\n"),
            new("Rewriting/Inlining.cs", "namespace FuncNet.Rewriting;\n\ninternal static class Inlining\n{\n    public static bool Is(Expr node) => node.Op is CustomVjpOp;\n}\n"),
        ]);
        var v = Assert.Single(violations);
        Assert.StartsWith("Rewriting/Inlining.cs (layer Rewriting) uses the type CustomVjpOp from the later layer Differentiation", v, StringComparison.Ordinal);
    }

    [Fact]
    public void AMemberALaterLayerAddsToAFacadePartialIsAViolation()
    {
        var violations = Check(
        [
            new("Expressions/Ops.cs", "namespace FuncNet;\n\npublic static partial class Ops\n{\n    public static int Add(int a) => a;\n}\n"),
            new("Compilation/Evaluation.cs", "namespace FuncNet;\n\npublic static partial class Ops\n{\n    public static int Eval(int a) => a;\n}\n"),
            new("Expressions/User.cs", "namespace FuncNet.Expressions;\n\ninternal static class User\n{\n    public static int F() => Ops.Eval(Ops.Add(1));\n}\n"),
        ]);
        var v = Assert.Single(violations);
        Assert.StartsWith("Expressions/User.cs (layer Expressions) uses Ops.Eval, which that layer adds to the facade class Ops, from the later layer Compilation", v, StringComparison.Ordinal);
    }

    [Fact]
    public void AnInternalOnlyFileInTheFacadeNamespaceIsToldItsLayersNamespace()
    {
        var violations = Check([new("Rewriting/NewRule.cs", "namespace FuncNet;\n\ninternal static class NewRule { }\n")]);
        var v = Assert.Single(violations);
        Assert.Equal(
            "Rewriting/NewRule.cs: namespace FuncNet, but it declares no public type, so it belongs to its layer's namespace: " +
            "write `namespace FuncNet.Rewriting;` (files using its types then need `using FuncNet.Rewriting;`).", v);
    }

    [Fact]
    public void APublicTypeInALayerNamespaceIsToldTheFacade()
    {
        var violations = Check(
        [
            new("Training/Schedule.cs", "namespace FuncNet.Training;\n\npublic sealed class Schedule { }\n"),
            new("Training/Layers/Conv.cs", "namespace FuncNet;\n\npublic sealed class Conv { }\n"),
        ]);
        Assert.Equal(2, violations.Count);
        Assert.Contains("Training/Schedule.cs: declares public type Schedule in namespace FuncNet.Training; public types stay in the facade: write `namespace FuncNet;`.", violations);
        Assert.Contains("Training/Layers/Conv.cs: declares public type Conv in namespace FuncNet; public types stay in the facade: write `namespace FuncNet.Layers;`.", violations);
    }

    [Fact]
    public void AFolderThatIsNotALayerIsAViolation()
    {
        var v = Assert.Single(Check([new("Gadgets/G.cs", "namespace FuncNet.Gadgets;\n\ninternal static class G { }\n")]));
        Assert.StartsWith("Gadgets/G.cs: the folder 'Gadgets' is not a layer.", v, StringComparison.Ordinal);
    }

}
