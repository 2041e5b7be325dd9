namespace FuncNet.Tests.Support;

/// <summary>Runs its tests alone: they measure the managed heap or process-wide tables, so other tests must not allocate meanwhile.</summary>
[CollectionDefinition(nameof(RunsAlone), DisableParallelization = true)]
public class RunsAlone;
