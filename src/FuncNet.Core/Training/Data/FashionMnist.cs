namespace FuncNet.Data;

/// <summary>
/// Zalando's Fashion-MNIST: 60,000 training and 10,000 test images of 28 × 28 grey pixels in ten classes, read
/// from its four idx.gz files (the Debian package dataset-fashion-mnist installs them in <see cref="DefaultDirectory"/>).
/// <code>
/// var data = FashionMnist.Load(FashionMnist.DefaultDirectory);
/// var order = new BatchOrder(data.Train.Count, 128, seed: 0, dropLast: false);
/// foreach (var rows in order.Epoch(1)) { session.Run(step, (x, data.Train.Images(rows)), (y, data.Train.OneHotLabels(rows))); }
/// </code>
/// </summary>
public static class FashionMnist
{
    /// <summary>Where Debian's dataset-fashion-mnist package puts the files.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The ten class names, by label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>The four files: training images and labels, then test images and labels.</summary>
    public static IReadOnlyList<string> FileNames { get; } =
        ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"];

    /// <summary>True when all four files exist in <paramref name="directory"/>.</summary>
    public static bool IsPresent(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        return FileNames.All(f => File.Exists(Path.Combine(directory, f)));
    }

    /// <summary>
    /// The training and test splits, pixels scaled to [0, 1]. A missing file is a <see cref="DatasetNotFoundException"/>
    /// saying how to install the data set; a broken one a <see cref="CorruptFileException"/> naming the file and the fault.
    /// </summary>
    public static FashionMnistDataSet Load(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        // Path.Exists: a directory or FIFO under a file's name is not missing; the reader says what it is instead.
        var missing = FileNames.Where(f => !Path.Exists(Path.Combine(directory, f))).ToArray();
        if (missing.Length > 0)
        {
            throw new DatasetNotFoundException(
                $"Fashion-MNIST not found: {string.Join(", ", missing)} missing in {directory}. Install it with `sudo bash scripts/setup-native.sh` " +
                "(or `sudo apt-get install dataset-fashion-mnist`, from Debian's contrib/non-free components), or pass --data DIR.");
        }
        return new FashionMnistDataSet(Split(directory, "train"), Split(directory, "t10k"));
    }

    private static LabeledImages Split(string directory, string prefix)
    {
        var imagesPath = Path.Combine(directory, $"{prefix}-images-idx3-ubyte.gz");
        var labelsPath = Path.Combine(directory, $"{prefix}-labels-idx1-ubyte.gz");
        var (dims, pixels) = IdxFile.Read(imagesPath, [28, 28]);
        var (labelDims, labels) = IdxFile.Read(labelsPath, []);
        if (labelDims[0] != dims[0])
        {
            throw new CorruptFileException($"{labelsPath}: expected one label per image ({dims[0]} images in {Path.GetFileName(imagesPath)}); found {labelDims[0]} labels.");
        }
        var bad = Array.FindIndex(labels, l => l >= ClassNames.Count);
        if (bad >= 0)
        {
            throw new CorruptFileException($"{labelsPath}: expected labels 0–9; label {bad} is {labels[bad]}.");
        }
        var scaled = new float[pixels.Length];
        for (var i = 0; i < pixels.Length; i++) { scaled[i] = pixels[i] / 255f; }
        return new LabeledImages(scaled, labels, 28, 28, ClassNames.Count);
    }
}

/// <summary>Fashion-MNIST's two splits.</summary>
/// <param name="Train">The 60,000 training examples.</param>
/// <param name="Test">The 10,000 test examples.</param>
public sealed record FashionMnistDataSet(LabeledImages Train, LabeledImages Test);
