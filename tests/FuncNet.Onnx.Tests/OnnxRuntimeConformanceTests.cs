namespace FuncNet.Tests;

/// <summary>
/// Every exportable op in every dtype it takes: the exported model, run by ONNX Runtime on random inputs, gives
/// FuncNet's values within 1e-5 (Float32) or 1e-10 (Float64), exactly for Int32, at two batch sizes.
/// </summary>
public sealed class OnnxRuntimeConformanceTests
{
    public static TheoryData<OpCase> Cases() => new(OpCase.All());

    [Theory]
    [MemberData(nameof(Cases))]
    public void OnnxRuntimeAgreesWithFuncNet(OpCase c)
    {
        var (inputs, output) = c.Build(c.DType);
        var model = Onnx.ExportToBytes([output], ["output"], inputs, v => v.InitialValue);
        foreach (var batch in new[] { 2, 5 })
        {
            var feeds = Feeds.For(inputs, batch, seed: batch);
            var expected = Evaluate(output, inputs, feeds);
            var actual = OnnxRuntimeRunner.Run(model, feeds)[0];
            Compare.Close(expected, actual, $"{c} at batch {batch}");
        }
    }

    internal static Tensor Evaluate(Expr output, IReadOnlyList<Expr> inputs, IReadOnlyList<(string Name, Tensor Value)> feeds)
    {
        using var session = new Session();
        return session.Run(output, inputs.Zip(feeds, (p, f) => (p, f.Value)).ToDictionary(x => x.p, x => x.Value));
    }
}

/// <summary>The tolerances the issue sets: 1e-5 for Float32, 1e-10 for Float64 (relative to magnitudes above 1), exact for Int32.</summary>
public static class Compare
{
    public static void Close(Tensor expected, Tensor actual, string what)
    {
        Assert.True(expected.Shape == actual.Shape, $"{what}: shape {actual.Shape}, expected {expected.Shape}");
        Assert.True(expected.DType == actual.DType, $"{what}: dtype {actual.DType}, expected {expected.DType}");
        var tolerance = expected.DType switch { DType.Float32 => 1e-5, DType.Float64 => 1e-10, _ => 0 };
        double[] e = expected.ToDoubleArray(), a = actual.ToDoubleArray();
        for (var i = 0; i < e.Length; i++)
        {
            var ok = e[i] == a[i] || Math.Abs(e[i] - a[i]) <= tolerance * Math.Max(1, Math.Abs(e[i]));
            Assert.True(ok, $"{what}: element {i} is {a[i]:R} in ONNX Runtime, {e[i]:R} in FuncNet (tolerance {tolerance})");
        }
    }
}
