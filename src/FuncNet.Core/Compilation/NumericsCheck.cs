using System.Globalization;
using System.Text;

namespace FuncNet;

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
            $"CheckNumerics: op {node.Op.Name} produced {stats.NaN} NaN and {stats.Infinite} infinite value(s) in its output of shape {output.Shape} {output.DType}; expected only finite values. ");
        message.Append(CultureInfo.InvariantCulture, $"Node: {Abbreviate(node.ToString())}. ");
        for (var i = 0; i < inputs.Length; i++)
        {
            var s = Stats.Of(backend.Download(inputs[i]));
            message.Append(CultureInfo.InvariantCulture, $"Input {i} {inputs[i].Shape} {inputs[i].DType}: {s}. ");
        }
        throw new NumericsException(message.ToString().TrimEnd());
    }

    private static string Abbreviate(string text) => text.Length <= 240 ? text : text[..237] + "...";

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
