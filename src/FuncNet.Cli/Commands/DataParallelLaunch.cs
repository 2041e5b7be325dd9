using FuncNet.Backends.Distributed;

namespace FuncNet.Cli.Commands;

/// <summary>How a command joins an <c>mpirun</c> job for <c>--data-parallel</c>, and how an error on one rank ends the job.</summary>
internal static class DataParallelLaunch
{
    private const string HowToLaunch = "launch N ranks with `mpirun -np N funcnet train fashion-mnist --data-parallel [options]` (see docs/distributed.md)";

    /// <summary>The Open MPI collective of this rank; a usage error when not started by mpirun, naming how to launch.</summary>
    public static ICollective Join()
    {
        if (!Collectives.LaunchedByMpirun)
        {
            throw new UsageException($"--data-parallel: this process was not started by mpirun ({Collectives.LauncherVariable} is not set); {HowToLaunch}.");
        }
        try
        {
            return new MpiCollective();
        }
        catch (BackendUnavailableException e)
        {
            throw new BackendUnavailableException($"--data-parallel: {e.Message} Then {HowToLaunch}.", e);
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/> on this rank. In a job of several ranks an error seen by this rank alone
    /// is printed with the rank's number and aborts the whole job (the other ranks would otherwise wait in
    /// their next collective forever); an error every rank raised alike is left to rank 0 to report.
    /// </summary>
    public static int OnEveryRank(ICollective collective, Func<int> body)
    {
        if (collective.Size == 1) { return body(); }
        try
        {
            return body();
        }
        catch (DistributedException e) when (e.RaisedOnEveryRank && collective.Rank != 0)
        {
            return 1;
        }
        catch (Exception e) when (e is FuncNetException or IOException or UnauthorizedAccessException && !(e is DistributedException { RaisedOnEveryRank: true }))
        {
            Console.Error.WriteLine($"funcnet: rank {collective.Rank} of {collective.Size}: {e.Message}");
            Console.Error.Flush();
            collective.Abort(e is UsageException ? 2 : 1);
            throw;
        }
    }
}
