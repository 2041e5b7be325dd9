namespace FuncNet.Backends.Distributed;

/// <summary>Chooses the <see cref="ICollective"/> of this process at start-up from the environment its launcher set.</summary>
public static class Collectives
{
    /// <summary>The variable Open MPI's <c>mpirun</c> sets in every rank it starts (also OMPI_COMM_WORLD_RANK and _LOCAL_RANK).</summary>
    public const string LauncherVariable = "OMPI_COMM_WORLD_SIZE";

    /// <summary>True when this process was started by Open MPI's <c>mpirun</c>.</summary>
    public static bool LaunchedByMpirun => Environment.GetEnvironmentVariable(LauncherVariable) is { Length: > 0 };

    /// <summary>
    /// The Open MPI collective when started by <c>mpirun</c>, else a <see cref="SingleProcessCollective"/>.
    /// Throws <see cref="BackendUnavailableException"/> when started by <c>mpirun</c> but Open MPI does not load.
    /// </summary>
    public static ICollective FromEnvironment() => LaunchedByMpirun ? new MpiCollective() : new SingleProcessCollective();
}
