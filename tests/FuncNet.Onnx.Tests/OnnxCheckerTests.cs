namespace FuncNet.Tests;

/// <summary>Every model the exporter writes passes the ONNX project's checker with strict shape inference (scripts/onnx-check.py).</summary>
public sealed class OnnxCheckerTests
{
    [SkippableFact]
    public void EveryExportedModelPassesTheOnnxChecker()
    {
        Skip.If(PythonOnnx.SkipReason is not null, PythonOnnx.SkipReason);
        var dir = Directory.CreateTempSubdirectory("funcnet-onnx-check-");
        try
        {
            var files = new List<string>();
            foreach (var (c, i) in OpCase.All().Concat(OpCase.Float64WithoutRuntimeKernels()).Select((c, i) => (c, i)))
            {
                var (inputs, output) = c.Build(c.DType);
                var path = Path.Combine(dir.FullName, $"case{i}.onnx");
                Onnx.Export(path, [output], inputs);
                files.Add(path);
            }
            var (code, text) = PythonOnnx.Run([Path.Combine(Fixtures.Root, "..", "..", "scripts", "onnx-check.py"), .. files]);
            Assert.True(code == 0, text);
            Assert.Equal(files.Count, text.Split('\n').Count(l => l.StartsWith("ok ", StringComparison.Ordinal)));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
