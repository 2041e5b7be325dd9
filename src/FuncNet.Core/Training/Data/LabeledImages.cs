namespace FuncNet.Data;

/// <summary>
/// Grey images with a class label each, held as Float32 pixels (row-major, one image after another) and byte
/// labels; batches of them come out as tensors ready to feed: flat rows for an MLP, NCHW for a CNN.
/// </summary>
public sealed class LabeledImages
{
    private readonly float[] _pixels;
    private readonly byte[] _labels;

    /// <summary>
    /// Wraps <paramref name="pixels"/> (count × height × width values) and <paramref name="labels"/> (count values
    /// in [0, classes)); the arrays are used as given, not copied.
    /// </summary>
    public LabeledImages(float[] pixels, byte[] labels, int height, int width, int classes)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        if (height <= 0 || width <= 0 || classes <= 0 || (long)labels.Length * height * width != pixels.Length)
        {
            throw new ShapeException($"LabeledImages: expected {labels.Length} labels × {height} × {width} = {(long)labels.Length * height * width} pixels and a positive class count; given {pixels.Length} pixels, {classes} classes.");
        }
        var bad = Array.FindIndex(labels, l => l >= classes);
        if (bad >= 0)
        {
            throw new FuncNetException($"LabeledImages: expected labels in [0, {classes}); label {bad} is {labels[bad]}.");
        }
        (_pixels, _labels, Height, Width, Classes) = (pixels, labels, height, width, classes);
    }

    /// <summary>The number of examples.</summary>
    public int Count => _labels.Length;

    /// <summary>Pixel rows of an image.</summary>
    public int Height { get; }

    /// <summary>Pixel columns of an image.</summary>
    public int Width { get; }

    /// <summary>Height × width.</summary>
    public int PixelCount => Height * Width;

    /// <summary>The number of classes.</summary>
    public int Classes { get; }

    /// <summary>The label of example <paramref name="index"/>.</summary>
    public int Label(int index) => _labels[index];

    /// <summary>The first <paramref name="n"/> examples (all when n exceeds the count), sharing no arrays with these.</summary>
    public LabeledImages Take(int n) =>
        n >= Count ? this : new LabeledImages(_pixels[..(Math.Max(0, n) * PixelCount)], _labels[..Math.Max(0, n)], Height, Width, Classes);

    /// <summary>The images of <paramref name="rows"/> as a Float32 tensor [rows, height·width], one flat image per row.</summary>
    public Tensor Images(IReadOnlyList<int> rows) => Tensor.Create(Shape.Of(rows.Count, PixelCount), Gather(rows));

    /// <summary>The images of <paramref name="rows"/> as a Float32 NCHW tensor [rows, 1, height, width], for convolutions.</summary>
    public Tensor ImagesNchw(IReadOnlyList<int> rows) => Tensor.Create(Shape.Of(rows.Count, 1, Height, Width), Gather(rows));

    /// <summary>The labels of <paramref name="rows"/> one-hot, as a Float32 tensor [rows, classes].</summary>
    public Tensor OneHotLabels(IReadOnlyList<int> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var labels = new float[rows.Count * Classes];
        for (var i = 0; i < rows.Count; i++) { labels[i * Classes + _labels[Check(rows[i])]] = 1f; }
        return Tensor.Create(Shape.Of(rows.Count, Classes), labels);
    }

    private float[] Gather(IReadOnlyList<int> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var pixels = new float[rows.Count * PixelCount];
        for (var i = 0; i < rows.Count; i++)
        {
            _pixels.AsSpan(Check(rows[i]) * PixelCount, PixelCount).CopyTo(pixels.AsSpan(i * PixelCount));
        }
        return pixels;
    }

    private int Check(int row) => (uint)row < (uint)Count
        ? row
        : throw new FuncNetException($"LabeledImages: expected example indices in [0, {Count}); given {row}.");
}
