using FsCheck;
using FsCheck.Fluent;

namespace FuncNet.Testing;

/// <summary>
/// FsCheck generators and arbitraries of Float64 tensors with bounded elements, optionally kept a margin
/// away from kinks (the points where an op such as Relu, Abs or Maximum is not differentiable, and where a
/// central difference straddling the kink is wrong). Elements lie on a grid of 1/1000 of the range, so a
/// failing case prints and replays exactly; shrinking rounds elements and shrinks the shape, keeping both
/// the bounds and the kink margin.
/// </summary>
public static class TensorGen
{
    private const int Steps = 1000;

    /// <summary>Tensors of <paramref name="shape"/> with elements in [<paramref name="low"/>, <paramref name="high"/>].</summary>
    public static Gen<Tensor> Tensors(Shape shape, double low, double high) => Tensors(shape, low, high, [], 0);

    /// <summary>
    /// Tensors of <paramref name="shape"/> with elements in [<paramref name="low"/>, <paramref name="high"/>],
    /// each at least <paramref name="margin"/> away from every point in <paramref name="kinks"/>.
    /// </summary>
    public static Gen<Tensor> Tensors(Shape shape, double low, double high, IReadOnlyList<double> kinks, double margin)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var allowed = AllowedGrid(low, high, kinks, margin);
        if (!shape.IsFullyKnown)
        {
            throw new ShapeException($"TensorGen.Tensors: expected a fully known shape; given {shape}.");
        }
        return Gen.Elements(allowed).ArrayOf(shape.Size).Select(values => Tensor.Create(shape, values));
    }

    /// <summary>Tensors of generated shapes with elements in [<paramref name="low"/>, <paramref name="high"/>].</summary>
    public static Gen<Tensor> Tensors(Gen<Shape> shapes, double low, double high) => Tensors(shapes, low, high, [], 0);

    /// <summary>Tensors of generated shapes, bounded and kept <paramref name="margin"/> away from <paramref name="kinks"/>.</summary>
    public static Gen<Tensor> Tensors(Gen<Shape> shapes, double low, double high, IReadOnlyList<double> kinks, double margin)
    {
        ArgumentNullException.ThrowIfNull(shapes);
        AllowedGrid(low, high, kinks, margin);
        return shapes.SelectMany(shape => Tensors(shape, low, high, kinks, margin));
    }

    /// <summary>
    /// An arbitrary of tensors of generated shapes, bounded and away from kinks, whose shrinks (rounded elements,
    /// smaller shapes from <see cref="ShapeGen.Shrink(Shape)"/>) obey the same bounds and margin.
    /// </summary>
    public static Arbitrary<Tensor> TensorArbitrary(Gen<Shape> shapes, double low, double high, IReadOnlyList<double> kinks, double margin)
    {
        var gen = Tensors(shapes, low, high, kinks, margin);
        return Arb.From(gen, t => Shrink(t, low, high, kinks, margin));
    }

    /// <summary>An arbitrary of bounded tensors of generated shapes.</summary>
    public static Arbitrary<Tensor> TensorArbitrary(Gen<Shape> shapes, double low, double high) => TensorArbitrary(shapes, low, high, [], 0);

    /// <summary>
    /// Simpler tensors that still satisfy the bounds and the margin: the same shape with elements rounded to
    /// 0, then 1 decimal, then smaller shapes holding the leading elements.
    /// </summary>
    public static IEnumerable<Tensor> Shrink(Tensor tensor, double low, double high, IReadOnlyList<double> kinks, double margin)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentNullException.ThrowIfNull(kinks);
        var values = tensor.ToDoubleArray();
        var candidates = new List<Tensor>();
        foreach (var digits in new[] { 0, 1 })
        {
            var rounded = values.Select(v => Math.Round(v, digits)).ToArray();
            if (!rounded.SequenceEqual(values)) { candidates.Add(Tensor.Create(tensor.Shape, rounded)); }
        }
        foreach (var shape in ShapeGen.Shrink(tensor.Shape))
        {
            candidates.Add(Tensor.Create(shape, values.AsSpan(0, shape.Size)));
        }
        return candidates.Where(t => t.ToDoubleArray().All(v => Allowed(v, low, high, kinks, margin)));
    }

    private static double[] AllowedGrid(double low, double high, IReadOnlyList<double> kinks, double margin)
    {
        ArgumentNullException.ThrowIfNull(kinks);
        if (!double.IsFinite(low) || !double.IsFinite(high) || !(low < high) || !(margin >= 0))
        {
            throw new FuncNetException($"TensorGen: expected finite bounds low < high and a margin ≥ 0; given low {low}, high {high}, margin {margin}.");
        }
        var grid = Enumerable.Range(0, Steps + 1).Select(k => low + (high - low) * k / Steps).Where(v => Allowed(v, low, high, kinks, margin)).ToArray();
        if (grid.Length == 0)
        {
            throw new FuncNetException($"TensorGen: no value in [{low}, {high}] is at least {margin} away from the kinks {string.Join(", ", kinks)}; widen the range or narrow the margin.");
        }
        return grid;
    }

    private static bool Allowed(double v, double low, double high, IReadOnlyList<double> kinks, double margin) =>
        v >= low && v <= high && kinks.All(k => Math.Abs(v - k) >= margin);
}
