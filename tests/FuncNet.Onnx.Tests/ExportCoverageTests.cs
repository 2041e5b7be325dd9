using FuncNet.Expressions;

namespace FuncNet.Tests;

/// <summary>The export table against the op catalogue: a new op fails here until it gets its ONNX entry (or is listed as gradient-only or without an exact equivalent).</summary>
public sealed class ExportCoverageTests
{
    // Written by the exporter itself: graph inputs, initializers, Constant nodes, inlined bodies, and symbols that exist only inside map bodies.
    private static readonly HashSet<Type> Leaves = [typeof(PlaceholderOp), typeof(VariableOp), typeof(ConstantOp), typeof(CustomVjpOp), typeof(MapSymbolOp)];

    [Fact]
    public void EveryOpHasAnExportRuleOrIsGradientOnly()
    {
        var ops = typeof(Op).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(Op)) && !t.IsAbstract).ToArray();
        Assert.True(ops.Length > 50, $"expected the op catalogue; found {ops.Length} ops");
        var missing = ops.Where(t => !ExportRules.ByOp.ContainsKey(t) && !ExportRules.GradientOnly.ContainsKey(t) && !ExportRules.NoEquivalent.ContainsKey(t) && !Leaves.Contains(t)).Select(t => t.Name).ToArray();
        Assert.True(missing.Length == 0, $"ops without an ONNX export entry (src/FuncNet.Onnx/Export/ExportRules.cs): {string.Join(", ", missing)}");
    }

    [Fact]
    public void EveryOnnxOpTypeThatExportWritesIsImported()
    {
        var written = new HashSet<string>();
        foreach (var c in OpCase.All())
        {
            var (inputs, output) = c.Build(c.DType);
            var model = global::Onnx.ModelProto.Parser.ParseFrom(Onnx.ExportToBytes([output], ["output"], inputs, v => v.InitialValue));
            written.UnionWith(model.Graph.Node.Select(n => n.OpType));
        }
        written.Remove("Constant");
        var unread = written.Where(t => !ImportRules.ByOpType.ContainsKey(t)).ToArray();
        Assert.True(unread.Length == 0, $"export writes ONNX ops that import does not read: {string.Join(", ", unread)}");
    }
}
