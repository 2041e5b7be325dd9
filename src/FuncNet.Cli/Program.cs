using static FuncNet.Ops;

namespace FuncNet.Cli;

/// <summary>The funcnet command (grows with issue 3: tutorial, train, bench, selftest, graph).</summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "bench")
        {
            var backend = FuncNet.Backends.BackendSelector.Resolve(Environment.GetEnvironmentVariable("FUNCNET_BACKEND"));
            Bench.BenchRunner.Run(args.Skip(1).ToArray(), backend, 2.0, Console.Out);
            return 0;
        }
        // Chapter 1 of the curriculum: the affine graph z = A·x + b.
        var a = Expr.Variable("A", new double[,] { { 1, 0 }, { 0, -1 } });
        var b = Expr.Variable("b", new[] { 1.0, 1.0 });
        var x = Expr.Placeholder("x", Shape.Of(2));
        var z = MatMul(a, x) + b;
        Console.WriteLine($"z = {z}");
        Console.WriteLine($"z(x = [1, 2]) = {z.Eval((x, new[] { 1.0, 2.0 }))}");
        return 0;
    }
}
