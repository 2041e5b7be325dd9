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
        plot.ShowLegend();
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

    /// <summary>The classes predicted over a grid (light dots), under the data.</summary>
    public static void DecisionRegions(Plot plot, double[] gridX, double[] gridY, int[] classes)
    {
        for (var k = 0; k < 2; k++)
        {
            var idx = Enumerable.Range(0, classes.Length).Where(i => classes[i] == k).ToArray();
            var s = plot.Add.ScatterPoints(idx.Select(i => gridX[i]).ToArray(), idx.Select(i => gridY[i]).ToArray(), (k == 0 ? Blue : Red).WithAlpha(0.25));
            s.MarkerSize = 4;
        }
    }

    /// <summary>One or more curves against their index (steps or epochs).</summary>
    public static void Curves(Plot plot, string title, string xLabel, string yLabel, IReadOnlyList<(string Name, IReadOnlyList<double> Values)> curves, int firstX)
    {
        foreach (var (name, values) in curves)
        {
            var xs = Enumerable.Range(firstX, values.Count).Select(i => (double)i).ToArray();
            var s = plot.Add.Scatter(xs, values.ToArray());
            s.LegendText = name;
            s.MarkerSize = values.Count > 60 ? 0 : 5;
        }
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        if (curves.Count > 1) { plot.ShowLegend(); }
    }
}
