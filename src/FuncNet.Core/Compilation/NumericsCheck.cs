using System.Globalization;
using System.Text;
using FuncNet.Expressions;

namespace FuncNet.Compilation;

/// <summary>
/// The check behind <see cref="Plan.CheckNumerics"/>: after a kernel runs, its output is downloaded and
/// scanned for NaN and infinity; the first kernel that produces one stops the run with a
/// <see cref="NumericsException"/> naming the op, the node and the shape, with summary statistics of its
/// inputs, so the cause is found where it starts instead of where it has spread to.
/// </summary>
internal static class NumericsCheck
{
    public static void After(IBackend backend, Expr node, DeviceTensor[] inputs, DeviceTensor output)
    {
        if (!output.DType.IsFloat()) { return; }
        var value = backend.Download(output);
        var stats = Stats.Of(value);
        if (stats.NaN == 0 && stats.Infinite == 0) { return; }
        var message = new StringBuilder();
        message.Append(CultureInfo.InvariantCulture,
            $"CheckNumerics: op {node.Op.Name} produced {stats.NaN} NaN and {stats.Infinite} infinite value(s) in its output of shape {output.Shape} {output.DType} (node #{node.Id}: {ShortForm(node)}); expected only finite values. ");
        var inputsFinite = true;
        for (var i = 0; i < inputs.Length; i++)
        {
            var s = Stats.Of(backend.Download(inputs[i]));
            inputsFinite &= s.NaN == 0 && s.Infinite == 0;
            var label = i < node.Inputs.Count ? Label(node.Inputs[i]) + " " : "";
            message.Append(CultureInfo.InvariantCulture, $"Input {i} {label}{inputs[i].Shape} {inputs[i].DType}: {s}. ");
        }
        message.Append("Usual causes: ").Append(string.Join("; ", Causes(node, inputsFinite))).Append('.');
        throw new NumericsException(message.ToString());
    }

    // The node one level deep (its inputs by name or node id), not the whole expression: a fused node's
    // printed body can run to pages. A fused node lists the ops it fuses, since one of them is the culprit.
    private static string ShortForm(Expr node)
    {
        var form = $"{node.Op.Name}({string.Join(", ", node.Inputs.Select(Label))})";
        var fused = FusedOps(node);
        return fused.Count == 0 ? form : $"{form} fusing {string.Join(", ", fused)}";
    }

    private static string Label(Expr e) => e.Op switch
    {
        PlaceholderOp p => $"placeholder '{p.PlaceholderName}'",
        VariableOp v => $"variable '{v.VariableName}'",
        ConstantOp { Value.Size: 1 } c => c.Value.GetDouble(0).ToString("G6", CultureInfo.InvariantCulture),
        _ => $"{e.Op.Name}#{e.Id}",
    };

    private static List<string> FusedOps(Expr node) => node.Op is MapOp map
        ? GraphWalk.Topological([map.Body]).Select(n => n.Op).Where(o => o is not MapSymbolOp and not ConstantOp)
            .Select(o => o.Name).Distinct().ToList()
        : [];

    private static List<string> Causes(Expr node, bool inputsFinite)
    {
        var causes = new List<string>();
        if (!inputsFinite)
        {
            causes.Add("an input already holds NaN or infinity: a feed with bad values, or a variable that an earlier step made non-finite");
        }
        var ops = FusedOps(node);
        ops.Add(node.Op.Name);
        if (ops.Contains("Log")) { causes.Add("log of 0 or of a negative number (add an epsilon, or work from logits: LogSoftmax, Softplus, the *FromLogits losses)"); }
        if (ops.Contains("Divide")) { causes.Add("division by zero"); }
        if (ops.Contains("Sqrt")) { causes.Add("the square root of a negative number"); }
        if (ops.Contains("Pow")) { causes.Add("a negative base with a fractional exponent, or overflow"); }
        if (ops.Contains("Exp")) { causes.Add("overflow of exp (beyond about 709 in Float64, 88 in Float32; Softmax, LogSoftmax and the *FromLogits losses are stable)"); }
        causes.Add("a learning rate too high (the loss grows from step to step until it overflows)");
        return causes;
    }

    private readonly record struct Stats(double Min, double Max, double Mean, int NaN, int Infinite, int Count)
    {
        public static Stats Of(Tensor t)
        {
            double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0;
            int nan = 0, inf = 0, finite = 0;
            for (var i = 0; i < t.Size; i++)
            {
                var v = t.GetDouble(i);
                if (double.IsNaN(v)) { nan++; continue; }
                if (double.IsInfinity(v)) { inf++; }
                else { sum += v; finite++; }
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
            return new Stats(min, max, finite == 0 ? double.NaN : sum / finite, nan, inf, t.Size);
        }

        public override string ToString() => Count == 0
            ? "empty"
            : string.Create(CultureInfo.InvariantCulture, $"min {Min:G6}, max {Max:G6}, mean of finite {Mean:G6}, {NaN} NaN, {Infinite} inf");
    }
}
