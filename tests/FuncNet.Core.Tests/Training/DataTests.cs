using FuncNet.Data;

namespace FuncNet.Tests.Training;

/// <summary>The public data API: seeded batch orders, labeled images as tensors, and Fashion-MNIST's missing-files error.</summary>
public class DataTests
{
    [Fact]
    public void EveryEpochVisitsEveryExampleOnceInASeededOrder()
    {
        var order = new BatchOrder(10, 4, seed: 3, dropLast: false);
        Assert.Equal(3, order.BatchesPerEpoch);
        var first = order.Epoch(1);
        Assert.Equal([4, 4, 2], first.Select(b => b.Length));
        Assert.Equal(Enumerable.Range(0, 10), first.SelectMany(b => b).Order());
        var second = order.Epoch(2);
        Assert.Equal(Enumerable.Range(0, 10), second.SelectMany(b => b).Order());
        Assert.NotEqual(first.SelectMany(b => b), second.SelectMany(b => b));
        // The same seed gives the same batches; asking for epoch 2 first (a resumed run) gives what epoch 2 was.
        Assert.Equal(second, new BatchOrder(10, 4, 3, false).Epoch(2));
        Assert.Equal(first, order.Epoch(1));
        Assert.NotEqual(first, new BatchOrder(10, 4, 4, false).Epoch(1));
    }

    [Fact]
    public void DropLastLeavesOutThePartialBatch()
    {
        var order = new BatchOrder(10, 4, 0, dropLast: true);
        Assert.Equal(2, order.BatchesPerEpoch);
        var batches = order.Epoch(1);
        Assert.All(batches, b => Assert.Equal(4, b.Length));
        // The same shuffle as when the partial batch is kept: only the tail is dropped.
        Assert.Equal(new BatchOrder(10, 4, 0, false).Epoch(1).Take(2), batches);
        Assert.Throws<FuncNetException>(() => new BatchOrder(3, 4, 0, dropLast: true));
        Assert.Throws<FuncNetException>(() => new BatchOrder(0, 4, 0, false));
        Assert.Throws<FuncNetException>(() => order.Epoch(0));
    }

    [Fact]
    public void LabeledImagesBatchAsFlatRowsNchwAndOneHotLabels()
    {
        var pixels = Enumerable.Range(0, 3 * 2 * 2).Select(i => (float)i).ToArray();
        var images = new LabeledImages(pixels, [2, 0, 1], 2, 2, 3);
        int[] rows = [2, 0];
        var flat = images.Images(rows);
        Assert.Equal(Shape.Of(2, 4), flat.Shape);
        Assert.Equal([8f, 9, 10, 11, 0, 1, 2, 3], flat.ToFloatArray());
        var nchw = images.ImagesNchw(rows);
        Assert.Equal(Shape.Of(2, 1, 2, 2), nchw.Shape);
        Assert.Equal(flat.ToFloatArray(), nchw.ToFloatArray());
        Assert.Equal([0f, 1, 0, 0, 0, 1], images.OneHotLabels(rows).ToFloatArray());
        Assert.Equal(2, images.Take(2).Count);
        var outside = Assert.Throws<FuncNetException>(() => images.Images([3]));
        Assert.Contains("[0, 3)", outside.Message);
        Assert.Throws<FuncNetException>(() => new LabeledImages(pixels, [2, 0, 3], 2, 2, 3));
        Assert.Throws<ShapeException>(() => new LabeledImages(pixels, [2, 0], 2, 2, 3));
    }

    [Fact]
    public void MissingFashionMnistFilesSayHowToInstallThem()
    {
        var empty = Directory.CreateTempSubdirectory("funcnet-no-data").FullName;
        try
        {
            Assert.False(FashionMnist.IsPresent(empty));
            var e = Assert.Throws<DatasetNotFoundException>(() => FashionMnist.Load(empty));
            Assert.Contains("train-images-idx3-ubyte.gz", e.Message);
            Assert.Contains("dataset-fashion-mnist", e.Message);
        }
        finally
        {
            Directory.Delete(empty);
        }
    }
}
