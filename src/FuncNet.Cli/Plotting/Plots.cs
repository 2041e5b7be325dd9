using ScottPlot;

namespace FuncNet.Cli.Plotting;

/// <summary>
/// The PNG plots of the tutorial and of training, drawn with ScottPlot. Plotting is a nicety: when the
/// native renderer cannot load, the caller is told once and the computation goes on.
/// </summary>
internal static class Plots
{
    private static readonly Color Blue = Color.FromHex("#1f77b4");
    private static readonly Color Red = Color.FromHex("#d62728");

    /// <summary>Saves a plot built by <paramref name="draw"/>; returns the path, or null (with the reason written) when rendering is unavailable.</summary>
    public static string? Save(string directory, string fileName, TextWriter log, Action<Plot> draw)
    {
        var path = Path.Combine(directory, fileName);
        try
        {
            Directory.CreateDirectory(directory);
            using var plot = new Plot();
            draw(plot);
            plot.SavePng(path, 640, 480);
            return path;
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or IOException or UnauthorizedAccessException)
        {
            log.WriteLine($"  (plot {fileName} skipped: {e.GetBaseException().Message})");
            return null;
        }
    }

    /// <summary>The red and blue points, as the curriculum colours them (rows of X; c one-hot, blue = class 0).</summary>
    public static void PointClouds(Plot plot, double[,] x, double[,] c, string title)
    {
        var n = x.GetLength(0);
        var blue = Enumerable.Range(0, n).Where(i => c[i, 0] > c[i, 1]).ToArray();
        var red = Enumerable.Range(0, n).Where(i => c[i, 0] <= c[i, 1]).ToArray();
        var b = plot.Add.ScatterPoints(blue.Select(i => x[i, 0]).ToArray(), blue.Select(i => x[i, 1]).ToArray(), Blue);
        b.LegendText = "blue (class 0)";
        var r = plot.Add.ScatterPoints(red.Select(i => x[i, 0]).ToArray(), red.Select(i => x[i, 1]).ToArray(), Red);
        r.LegendText = "red (class 1)";
        plot.Title(title);
        plot.XLabel("x₁");
        plot.YLabel("x₂");
        // Beside the axes, not inside them: a legend in a corner hides points of the clouds.
        plot.ShowLegend(Edge.Right);
    }

    /// <summary>
    /// The decision boundary of a two-class softmax perceptron: p₀ = p₁ where (W₀ − W₁)·x + (b₀ − b₁) = 0,
    /// W₀ and W₁ being the weight columns of the two classes.
    /// </summary>
    public static void PerceptronBoundary(Plot plot, double[,] w, double[] b, double xMin, double xMax)
    {
        double a0 = w[0, 0] - w[0, 1], a1 = w[1, 0] - w[1, 1], bias = b[0] - b[1];
        if (Math.Abs(a1) > 1e-12)
        {
            var line = plot.Add.Line(xMin, -(a0 * xMin + bias) / a1, xMax, -(a0 * xMax + bias) / a1);
            line.LegendText = "decision boundary";
            line.LineWidth = 2;
        }
        else if (Math.Abs(a0) > 1e-12)
        {
            plot.Add.VerticalLine(-bias / a0).LegendText = "decision boundary";
        }
        plot.Axes.SetLimitsX(xMin, xMax);
    }

    /// <summary>
    /// The classes predicted over a regular grid, as filled cells under the data: each grid point's cell is
    /// shaded with its class's colour, so the regions read as areas with the boundary between them.
    /// </summary>
    public static void DecisionRegions(Plot plot, double[] gridX, double[] gridY, int[] classes)
    {
        var xs = gridX.Distinct().Order().ToArray();
        var ys = gridY.Distinct().Order().ToArray();
        double dx = xs.Length > 1 ? xs[1] - xs[0] : 1, dy = ys.Length > 1 ? ys[1] - ys[0] : 1;
        var classAt = new Dictionary<(double, double), int>();
        for (var i = 0; i < classes.Length; i++) { classAt[(gridX[i], gridY[i])] = classes[i]; }
        // One rectangle per run of equal classes along each column, rather than one per cell.
        foreach (var x in xs)
        {
            var start = 0;
            for (var j = 1; j <= ys.Length; j++)
            {
                var k = classAt.GetValueOrDefault((x, ys[start]), -1);
                if (j < ys.Length && classAt.GetValueOrDefault((x, ys[j]), -1) == k) { continue; }
                if (k >= 0)
                {
                    var cell = plot.Add.Rectangle(x - dx / 2, x + dx / 2, ys[start] - dy / 2, ys[j - 1] + dy / 2);
                    cell.FillColor = (k == 0 ? Blue : Red).WithAlpha(0.22);
                    cell.LineWidth = 0;
                }
                start = j;
            }
        }
    }

    /// <summary>
    /// One or more curves against their index (steps or epochs). With <paramref name="logScale"/> (for losses,
    /// which fall by orders of magnitude) the y axis is logarithmic, unless a value is not positive.
    /// </summary>
    public static void Curves(Plot plot, string title, string xLabel, string yLabel, IReadOnlyList<(string Name, IReadOnlyList<double> Values)> curves, int firstX, bool logScale)
    {
        var log = logScale && curves.All(c => c.Values.All(v => v > 0 && double.IsFinite(v)));
        foreach (var (name, values) in curves)
        {
            var xs = Enumerable.Range(firstX, values.Count).Select(i => (double)i).ToArray();
            // ScottPlot has no log axis: the curve is drawn as log10 of the values and the ticks are labelled back.
            var s = plot.Add.Scatter(xs, values.Select(v => log ? Math.Log10(v) : v).ToArray());
            // A single curve needs no legend: its name is the axis label.
            if (curves.Count > 1) { s.LegendText = name; }
            s.MarkerSize = values.Count > 60 ? 0 : 5;
        }
        if (log)
        {
            var all = curves.SelectMany(c => c.Values).ToArray();
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
            {
                // Decades when the values span two or more; otherwise the automatic ticks, labelled back as values.
                IntegerTicksOnly = Math.Log10(all.Max()) - Math.Log10(all.Min()) >= 2,
                MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
                LabelFormatter = y => Math.Pow(10, y).ToString("G3", System.Globalization.CultureInfo.InvariantCulture),
            };
        }
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(log ? $"{yLabel} (log scale)" : yLabel);
        if (curves.Count > 1) { plot.ShowLegend(Edge.Right); }
    }
}
