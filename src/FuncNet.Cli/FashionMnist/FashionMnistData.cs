namespace FuncNet.Cli.FashionMnist;

/// <summary>One split of Fashion-MNIST: images as 784 pixels in [0, 1] per row, labels 0–9.</summary>
internal sealed record FashionMnistSplit(float[] Pixels, byte[] Labels)
{
    public const int PixelCount = 784;

    public int Count => Labels.Length;

    /// <summary>The first <paramref name="n"/> examples (all when n exceeds the count).</summary>
    public FashionMnistSplit Take(int n) =>
        n >= Count ? this : new FashionMnistSplit(Pixels[..(n * PixelCount)], Labels[..n]);
}

/// <summary>Loads Fashion-MNIST's four idx.gz files from a folder (the Debian package installs them in /usr/share/datasets/fashion-mnist).</summary>
internal static class FashionMnistData
{
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    public static readonly string[] ClassNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    public static readonly string[] FileNames =
        ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"];

    /// <summary>True when all four files exist in <paramref name="directory"/>.</summary>
    public static bool IsPresent(string directory) => FileNames.All(f => File.Exists(Path.Combine(directory, f)));

    /// <summary>The training and test splits; a missing file says how to install the data set.</summary>
    public static (FashionMnistSplit Train, FashionMnistSplit Test) Load(string directory)
    {
        // Path.Exists: a directory or FIFO under a file's name is not missing; the reader says what it is instead.
        var missing = FileNames.Where(f => !Path.Exists(Path.Combine(directory, f))).ToArray();
        if (missing.Length > 0)
        {
            throw new DatasetNotFoundException(
                $"Fashion-MNIST not found: {string.Join(", ", missing)} missing in {directory}. Install it with `sudo bash scripts/setup-native.sh` " +
                "(or `sudo apt-get install dataset-fashion-mnist`, from Debian's contrib/non-free components), or pass --data DIR.");
        }
        return (Split(directory, "train"), Split(directory, "t10k"));
    }

    private static FashionMnistSplit Split(string directory, string prefix)
    {
        var imagesPath = Path.Combine(directory, $"{prefix}-images-idx3-ubyte.gz");
        var labelsPath = Path.Combine(directory, $"{prefix}-labels-idx1-ubyte.gz");
        var (dims, pixels) = IdxFile.Read(imagesPath, [28, 28]);
        var (labelDims, labels) = IdxFile.Read(labelsPath, []);
        if (labelDims[0] != dims[0])
        {
            throw new CorruptFileException($"{labelsPath}: expected one label per image ({dims[0]} images in {Path.GetFileName(imagesPath)}); found {labelDims[0]} labels.");
        }
        var bad = Array.FindIndex(labels, l => l >= ClassNames.Length);
        if (bad >= 0)
        {
            throw new CorruptFileException($"{labelsPath}: expected labels 0–9; label {bad} is {labels[bad]}.");
        }
        var scaled = new float[pixels.Length];
        for (var i = 0; i < pixels.Length; i++) { scaled[i] = pixels[i] / 255f; }
        return new FashionMnistSplit(scaled, labels);
    }
}
