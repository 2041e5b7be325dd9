using System.Text.Json;

namespace FuncNet.Tests;

/// <summary>Loads the curriculum's reference numbers from the repository's tests/fixtures, found by walking up from the test binary.</summary>
public static class Fixtures
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "fixtures");
            if (File.Exists(Path.Combine(dir.FullName, "FuncNet.sln")) && Directory.Exists(candidate))
            {
                return Path.GetFullPath(candidate);
            }
            dir = dir.Parent;
        }
        throw new DirectoryNotFoundException(
            $"The fixtures were not found: expected tests/fixtures in the repository root, the folder holding FuncNet.sln (searched up from {AppContext.BaseDirectory}).");
    }

    public static JsonElement Load(string relativePath)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, relativePath)));
        return doc.RootElement.Clone();
    }

    /// <summary>A JSON number or (nested) array of numbers as a Float64 tensor.</summary>
    public static Tensor Tensor(JsonElement e)
    {
        var dims = new List<int>();
        var probe = e;
        while (probe.ValueKind == JsonValueKind.Array)
        {
            dims.Add(probe.GetArrayLength());
            probe = probe.GetArrayLength() > 0 ? probe[0] : default;
        }
        var values = new List<double>();
        Flatten(e, values);
        return FuncNet.Tensor.Create(new Shape(dims.ToArray()), values.ToArray());
    }

    private static void Flatten(JsonElement e, List<double> into)
    {
        if (e.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in e.EnumerateArray()) { Flatten(item, into); }
        }
        else
        {
            into.Add(e.GetDouble());
        }
    }
}
