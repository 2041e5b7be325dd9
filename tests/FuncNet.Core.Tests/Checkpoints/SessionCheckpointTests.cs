namespace FuncNet.Tests.Checkpoints;

/// <summary>Session.Save and Session.Restore: values by variable name, with names, shapes and dtypes checked before anything changes.</summary>
public sealed class SessionCheckpointTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("funcnet-session-ckpt").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void TrainedValuesSurviveASaveAndARestoreIntoAFreshSession()
    {
        var x = Expr.Placeholder("x", Shape.Of(-1, 2));
        var w = Expr.Variable("w", Tensor.FromArray(new double[,] { { 0.5 }, { -0.25 } }));
        var b = Expr.Variable("b", Tensor.FromArray(new[] { 0.1 }));
        var loss = Ops.ReduceSum(Ops.Square(Ops.MatMul(x, w) + b));
        var step = new AdamOptimizer(0.1).Minimize(loss);
        var feed = Tensor.FromArray(new double[,] { { 1, 2 }, { 3, 4 } });
        var path = Path.Combine(_dir, "model.safetensors");
        Tensor expected;
        using (var session = new Session(Backend.Reference))
        {
            for (var i = 0; i < 3; i++) { session.Run(step, (x, feed)); }
            session.Save(path, [.. step.Variables, .. step.SlotVariables], new Dictionary<string, string> { ["steps"] = "3" });
            session.Run(step, (x, feed));
            expected = session.GetValue(w);
        }
        using (var resumed = new Session(Backend.Reference))
        {
            var metadata = resumed.Restore(path, [.. step.Variables, .. step.SlotVariables]);
            Assert.Equal("3", metadata["steps"]);
            resumed.Run(step, (x, feed));
            Assert.True(expected.Equals(resumed.GetValue(w)), $"{expected} vs {resumed.GetValue(w)}");
        }
    }

    [Fact]
    public void MismatchesAreReportedBeforeAnyVariableChanges()
    {
        var path = Path.Combine(_dir, "m.safetensors");
        var a = Expr.Variable("a", Tensor.FromArray(new[] { 1.0, 2.0 }));
        using var session = new Session(Backend.Reference);
        session.Save(path, [a]);
        var wrongShape = Expr.Variable("a", Tensor.FromArray(new[] { 1.0, 2.0, 3.0 }));
        Assert.Contains("but checkpoint", Assert.Throws<ShapeException>(() => session.Restore(path, [wrongShape])).Message);
        var wrongDType = Expr.Variable("a", Tensor.FromArray(new[] { 1f, 2f }));
        Assert.Contains("is Float32 but checkpoint", Assert.Throws<DTypeException>(() => session.Restore(path, [wrongDType])).Message);
        var other = Expr.Variable("b", Tensor.Scalar(0.0));
        session.Assign(a, Tensor.FromArray(new[] { 5.0, 6.0 }));
        Assert.Contains("no value for variable(s) 'b'", Assert.Throws<FuncNetException>(() => session.Restore(path, [a, other])).Message);
        Assert.Equal([5.0, 6.0], session.GetValue(a).ToDoubleArray());
        var twin = Expr.Variable("a", Tensor.FromArray(new[] { 0.0, 0.0 }));
        Assert.Contains("two different variables are named 'a'", Assert.Throws<FuncNetException>(() => session.Save(path, [a, twin])).Message);
        Assert.Contains("expected variables", Assert.Throws<FuncNetException>(() => session.Save(path, [a + 1.0])).Message);
        session.Restore(path, [a]);
        Assert.Equal([1.0, 2.0], session.GetValue(a).ToDoubleArray());
    }
}
