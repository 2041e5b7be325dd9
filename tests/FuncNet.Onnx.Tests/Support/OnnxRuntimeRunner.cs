using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace FuncNet.Tests;

/// <summary>Runs a model in Microsoft's ONNX Runtime on FuncNet tensors and returns FuncNet tensors.</summary>
public static class OnnxRuntimeRunner
{
    public static Tensor[] Run(byte[] model, IReadOnlyList<(string Name, Tensor Value)> feeds)
    {
        using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        using var session = new InferenceSession(model, options);
        var inputs = feeds.Select(f => ToOrt(f.Name, f.Value)).ToList();
        using var results = session.Run(inputs);
        return results.Select(FromOrt).ToArray();
    }

    private static NamedOnnxValue ToOrt(string name, Tensor t)
    {
        var dims = t.Shape.ToArray();
        return t.DType switch
        {
            DType.Float32 => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(t.ToFloatArray(), dims)),
            DType.Float64 => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<double>(t.ToArray<double>(), dims)),
            _ => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<int>(t.ToIntArray(), dims)),
        };
    }

    private static Tensor FromOrt(DisposableNamedOnnxValue v)
    {
        return v.Value switch
        {
            DenseTensor<float> f => Tensor.Create(Shape.Of(f.Dimensions.ToArray()), f.Buffer.Span),
            DenseTensor<double> d => Tensor.Create(Shape.Of(d.Dimensions.ToArray()), d.Buffer.Span),
            DenseTensor<int> i => Tensor.Create(Shape.Of(i.Dimensions.ToArray()), i.Buffer.Span),
            var other => throw new InvalidOperationException($"ONNX Runtime returned {other?.GetType().Name} for '{v.Name}'."),
        };
    }
}
