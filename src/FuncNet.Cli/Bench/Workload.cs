namespace FuncNet.Cli.Bench;

/// <summary>
/// One benchmark workload: a setup that returns what to time (<see cref="Sample"/>) and how to report it.
/// Workloads outside the default run (<paramref name="InDefaultRun"/> false: the GPU-sized ones) run only
/// when named.
/// </summary>
internal sealed record Workload(string Name, string Unit, string Description, Func<BenchContext, Sample> Setup, bool InDefaultRun = true);

/// <summary>What a workload's setup is given: the backend and whether plans may record and replay their runs.</summary>
/// <param name="Backend">The backend to run on.</param>
/// <param name="CaptureGraphs">The value of <see cref="Plan.CaptureGraphs"/> for the workload's plans.</param>
internal sealed record BenchContext(IBackend Backend, bool CaptureGraphs)
{
    /// <summary>
    /// True on a backend that queues work (a GPU): training workloads then keep their batches on the device
    /// and time several steps per sample ending in one synchronize, as the peer script does with --device cuda.
    /// </summary>
    public bool Queued => Backend is IGraphCapture;

    /// <summary>A compiled plan with the context's graph setting.</summary>
    public Plan Configure(Plan plan)
    {
        plan.CaptureGraphs = CaptureGraphs;
        return plan;
    }
}

/// <summary>One timed sample: <paramref name="Run"/> does <paramref name="Steps"/> units of work (the result is reported per unit).</summary>
/// <param name="Run">The work to time.</param>
/// <param name="Steps">How many units of work one run does.</param>
/// <param name="Plan">The plan that runs, when there is one plan: its graph status is reported on capturing backends.</param>
internal sealed record Sample(Action Run, int Steps = 1, Plan? Plan = null);
