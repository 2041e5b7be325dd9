using System.Text.Json;
using static FuncNet.Ops;

namespace FuncNet.Linq.Tests;

/// <summary>Models written as one query over parameter declarations.</summary>
public class ModelQueryTests
{
    private static JsonElement Fixture(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FuncNet.sln"))) { dir = dir.Parent; }
        var path = Path.Combine(dir!.FullName, "tests", "fixtures", "tensorslow", name);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.Clone();
    }

    private static Tensor ToTensor(JsonElement e) =>
        e[0].ValueKind == JsonValueKind.Array
            ? Tensor.FromArray(e.EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray())
            : Tensor.FromArray(e.EnumerateArray().Select(v => v.GetDouble()).ToArray());

    [Fact]
    public void BuildIsDeterministicForASeedAndFreshEachTime()
    {
        var x = Expr.Placeholder("x", -1, 784);
        var model = from w in Param.Normal("w", 784, 256)
                    from b in Param.Zeros("b", 256)
                    from v in Param.Glorot("v", 256, 10)
                    from u in Param.Uniform("u", 10)
                    select MatMul(Relu(MatMul(x, w) + b), v) + u;
        var first = model.Build(seed: 42);
        var again = model.Build(seed: 42);
        var other = model.Build(seed: 7);
        Assert.Equal(["w", "b", "v", "u"], first.Variables.Select(v => v.Name));
        Assert.Equal(Shape.Of(-1, 10), first.Value.Shape);
        Assert.NotSame(first["w"], again["w"]);
        foreach (var name in first.InitialValues.Keys)
        {
            Assert.Equal(first.InitialValues[name], again.InitialValues[name]);
        }
        Assert.NotEqual(first.InitialValues["w"], other.InitialValues["w"]);
        var w0 = first.InitialValues["w"].ToDoubleArray();
        Assert.InRange(w0.Average(), -0.02, 0.02);
        Assert.InRange(Math.Sqrt(w0.Select(a => a * a).Average()), 0.97, 1.03);
        Assert.All(first.InitialValues["b"].ToDoubleArray(), a => Assert.Equal(0.0, a));
        var limit = Math.Sqrt(6.0 / 266);
        Assert.All(first.InitialValues["v"].ToDoubleArray(), a => Assert.InRange(a, -limit, limit));
    }

    [Fact]
    public void DuplicateParameterNamesAreRejected()
    {
        var model = from a in Param.Zeros("p", 2) from b in Param.Zeros("p", 2) select a + b;
        Assert.Throws<FuncNetException>(() => model.Build(0));
    }

    /// <summary>The curriculum's multi-layer perceptron as one query, trained by gradient descent to TensorSlow's loss.</summary>
    [Fact]
    public void CurriculumMlpAsAQuery()
    {
        var f = Fixture("mlp_seed0.json");
        var x = Expr.Placeholder("X", -1, 2);
        var c = Expr.Placeholder("c", -1, 2);
        var mlp = from wHidden in Param.Normal("W_hidden", 2, 2)
                  from bHidden in Param.Normal("b_hidden", 2)
                  from wOutput in Param.Normal("W_output", 2, 2)
                  from bOutput in Param.Normal("b_output", 2)
                  let hidden = Sigmoid(MatMul(x, wHidden) + bHidden)
                  let p = Softmax(MatMul(hidden, wOutput) + bOutput)
                  select -ReduceSum(c * Log(p));
        var built = mlp.Build(seed: 0);
        var loss = built.Value;
        var grads = Gradients(loss, [.. built.Variables]);
        using var plan = Plan.Compile([loss, .. grads]);

        // Start where TensorSlow started (the fixture's numpy draws) by feeding the variables.
        var weights = new[] { "W_hidden0", "b_hidden0", "W_output0", "b_output0" }.Select(n => ToTensor(f.GetProperty(n))).ToArray();
        var data = new Dictionary<Expr, Tensor> { [x] = ToTensor(f.GetProperty("X")), [c] = ToTensor(f.GetProperty("c")) };
        var rate = f.GetProperty("learning_rate").GetDouble();
        // Training is a fold over the steps: each step maps the weights to new weights.
        var final = Enumerable.Range(0, f.GetProperty("steps").GetInt32()).Aggregate(weights, (w, _) =>
        {
            var feeds = new Dictionary<Expr, Tensor>(data);
            for (var i = 0; i < w.Length; i++) { feeds[built.Variables[i]] = w[i]; }
            var r = plan.Run(feeds);
            return w.Select((wi, i) => Tensor.Create(wi.Shape, wi.ToDoubleArray().Zip(r[i + 1].ToDoubleArray(), (a, g) => a - rate * g).ToArray())).ToArray();
        });
        var finalFeeds = new Dictionary<Expr, Tensor>(data);
        for (var i = 0; i < final.Length; i++) { finalFeeds[built.Variables[i]] = final[i]; }
        Assert.Equal(f.GetProperty("loss_after_1000").GetDouble(), plan.Run(finalFeeds)[0].ToScalar(), 6);
    }
}
