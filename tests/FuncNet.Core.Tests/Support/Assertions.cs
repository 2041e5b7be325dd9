namespace FuncNet.Tests;

public static class TensorAssert
{
    /// <summary>Asserts shapes equal and every element within atol + rtol·|expected|.</summary>
    public static void Close(Tensor expected, Tensor actual, double rtol = 1e-12, double atol = 1e-12)
    {
        Assert.True(expected.Shape == actual.Shape, $"shape: expected {expected.Shape}, actual {actual.Shape}");
        Assert.True(actual.AllClose(expected, rtol, atol),
            $"values differ (max abs diff {expected.MaxAbsDifference(actual):E3}):\nexpected\n{expected}\nactual\n{actual}");
    }
}
