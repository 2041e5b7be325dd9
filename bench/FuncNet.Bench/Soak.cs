using System.Diagnostics;
using FuncNet.Backends;
using FuncNet.Backends.Cpu;
using static FuncNet.Ops;

namespace FuncNet.Bench;

/// <summary>
/// The long-running-service soak: for as long as asked, builds distinct graphs (each with its own 1 MB
/// constant and variable), compiles and disposes plans, feeds a long-lived plan and a training session random
/// batch sizes (1 to 1,000), and disposes plans while another thread runs them. Every interval it prints the
/// managed heap after a full collection, the process working set and the backend's live tensors and pooled
/// bytes; memory that grows from line to line is a leak. Run:
/// <c>dotnet run -c Release --project bench/FuncNet.Bench -- soak --minutes 180 --backend managed</c>.
/// </summary>
internal static class Soak
{
    public static int Run(string[] args)
    {
        var minutes = double.Parse(Option(args, "--minutes") ?? "5", System.Globalization.CultureInfo.InvariantCulture);
        var interval = TimeSpan.FromSeconds(double.Parse(Option(args, "--interval-seconds") ?? "30", System.Globalization.CultureInfo.InvariantCulture));
        var backend = BackendSelector.Resolve(Option(args, "--backend") ?? "managed");
        var rng = new Random(0);
        var x = Expr.Placeholder("x", Shape.Of(-1, 64));
        var y = Expr.Placeholder("y", Shape.Of(-1, 1));
        var w = Expr.Variable("w", Tensor.Create(Shape.Of(64, 1), Enumerable.Range(0, 64).Select(i => Math.Sin(i) / 8).ToArray()));
        var step = new AdamOptimizer(0.001).Minimize(Losses.MeanSquaredError(y, Tanh(MatMul(x, w))));
        using var session = new Session(backend);
        using var service = Plan.Compile([Softmax(MatMul(x, Expr.Constant(Tensor.Ones(Shape.Of(64, 32)))))], backend);
        var clock = Stopwatch.StartNew();
        var next = TimeSpan.Zero;
        long graphs = 0, runs = 0, refused = 0;
        Console.WriteLine("minutes\tgraphs\truns\tmanaged_MB\tworking_set_MB\tlive_tensors\tpooled_MB\tspecializations\trefused_runs");
        while (true)
        {
            if (clock.Elapsed >= next)
            {
                Report(clock.Elapsed, graphs, runs, backend, service, refused);
                if (clock.Elapsed.TotalMinutes >= minutes) { break; }
                next += interval;
            }
            var rows = rng.Next(1, 1001);
            var feeds = new Dictionary<Expr, Tensor> { [x] = Tensor.Ones(Shape.Of(rows, 64)), [y] = Tensor.Zeros(Shape.Of(rows, 1)) };
            session.Run(step, feeds);
            service.Run(feeds);
            runs += 2;
            refused += DistinctGraph(backend, x, feeds, graphs++);
        }
        return 0;
    }

    /// <summary>A graph nobody else shares, compiled, run from two threads and disposed while they run; returns the runs refused as disposed.</summary>
    private static int DistinctGraph(IBackend backend, Expr x, Dictionary<Expr, Tensor> feeds, long i)
    {
        var values = new double[1 << 17];
        values[0] = i;
        var v = Expr.Variable("v", Tensor.FromArray(values));
        var c = Expr.Constant(Tensor.Create(Shape.Of(64, 2048), values));
        var plan = Plan.Compile([ReduceSum(MatMul(x, c)) + ReduceSum(v)], backend);
        var refused = 0;
        var other = new Thread(() =>
        {
            try
            {
                for (var r = 0; r < 3; r++) { plan.Run(feeds); }
            }
            catch (ObjectDisposedException)
            {
                Interlocked.Increment(ref refused);
            }
        });
        other.Start();
        plan.Run(feeds);
        plan.Dispose();
        other.Join();
        return refused;
    }

    private static void Report(TimeSpan elapsed, long graphs, long runs, IBackend backend, Plan service, long refused)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var managed = GC.GetTotalMemory(forceFullCollection: true) / 1048576.0;
        var workingSet = Process.GetCurrentProcess().WorkingSet64 / 1048576.0;
        var pooled = backend is CpuBackend cpu ? cpu.PooledBytes / 1048576.0 : 0;
        Console.WriteLine($"{elapsed.TotalMinutes:F1}\t{graphs}\t{runs}\t{managed:F1}\t{workingSet:F1}\t{backend.LiveTensors}\t{pooled:F1}\t{service.SpecializationCount}\t{refused}");
    }

    private static string? Option(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
