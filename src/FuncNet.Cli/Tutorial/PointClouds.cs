namespace FuncNet.Cli.Tutorial;

/// <summary>
/// The curriculum's data: red and blue point clouds, drawn from seeded normal distributions. (The Python
/// curriculum uses numpy's generator; tests use the fixtures' own points instead of trying to match it.)
/// Rows are points; blue first; c is one-hot with blue = [1, 0], red = [0, 1].
/// </summary>
internal static class PointClouds
{
    /// <summary>50 blue points around (2, 2) and 50 red ones around (−2, −2), unit spread.</summary>
    public static (Tensor X, Tensor C) Separable(int seed)
    {
        var random = new Random(seed);
        var centres = new (double X, double Y, int Class)[100];
        for (var i = 0; i < 100; i++) { centres[i] = i < 50 ? (2, 2, 0) : (-2, -2, 1); }
        return Draw(random, centres, 1.0);
    }

    /// <summary>The XOR of Gaussian clusters: blue around (0, 1) and (1, 0), red around (0, 0) and (1, 1), spread 0.2, 25 points each.</summary>
    public static (Tensor X, Tensor C) Xor(int seed)
    {
        var random = new Random(seed);
        (double, double, int)[] clusters = [(0, 1, 0), (1, 0, 0), (0, 0, 1), (1, 1, 1)];
        var centres = clusters.SelectMany(c => Enumerable.Repeat(c, 25)).ToArray();
        return Draw(random, centres, 0.2);
    }

    /// <summary>Seeded standard normal samples as a tensor (for initial weights).</summary>
    public static Tensor Normal(Random random, params int[] shape)
    {
        var s = Shape.Of(shape);
        var values = new double[s.Size];
        for (var i = 0; i < values.Length; i++) { values[i] = StandardNormal(random); }
        return Tensor.Create(s, values);
    }

    /// <summary>The rows of a matrix tensor as a 2-D array.</summary>
    public static double[,] Rows(Tensor t) => t.ToArray2D();

    private static (Tensor X, Tensor C) Draw(Random random, (double X, double Y, int Class)[] centres, double spread)
    {
        var x = new double[centres.Length, 2];
        var c = new double[centres.Length, 2];
        for (var i = 0; i < centres.Length; i++)
        {
            x[i, 0] = centres[i].X + spread * StandardNormal(random);
            x[i, 1] = centres[i].Y + spread * StandardNormal(random);
            c[i, centres[i].Class] = 1;
        }
        return (Tensor.FromArray(x), Tensor.FromArray(c));
    }

    private static double StandardNormal(Random random) =>
        Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble())) * Math.Cos(2.0 * Math.PI * random.NextDouble());
}
