using FuncNet.Backends.Cpu;
using FuncNet.Backends.Cpu.OneDnn;

namespace FuncNet.Backends.Tests.Cpu;

/// <summary>
/// How many OpenMP threads a oneDNN primitive gets: the backend's budget when that is clearly faster, one when
/// a run is too short to split or one thread is faster, and the same answer for every later kernel of a key.
/// The runs here only sleep, by milliseconds, so the choice cannot hinge on the machine's noise.
/// </summary>
public class OneDnnThreadChoiceTests
{
    private static OneDnnLibrary Library()
    {
        var library = OneDnnEnvironment.Require();
        Skip.If(library.FixedThreads is not null, "FUNCNET_ONEDNN_THREADS fixes the count here");
        Skip.If(WorkerPool.Threads == 1, "the backend has one thread here (FUNCNET_THREADS or one core): nothing to choose");
        return library;
    }

    [SkippableFact]
    public void ALongRunThatSplitsWellGetsTheWholeBudgetAndKeepsIt()
    {
        var library = Library();
        var key = $"split {Guid.NewGuid()}";
        var threads = OneDnnThreadChoice.Choose(library, key, t => Thread.Sleep(t == 1 ? 6 : 1));
        Assert.Equal(WorkerPool.Threads, threads);
        Assert.Equal(threads, OneDnnThreadChoice.Choose(library, key, t => Thread.Sleep(t == 1 ? 1 : 6)));
    }

    [SkippableFact]
    public void ARunSlowerOnManyThreadsStaysOnOne()
    {
        var library = Library();
        Assert.Equal(1, OneDnnThreadChoice.Choose(library, $"reduction {Guid.NewGuid()}", t => Thread.Sleep(t == 1 ? 1 : 6)));
    }

    [SkippableFact]
    public void ARunTooShortToSplitIsNotTriedOnMoreThreads()
    {
        var library = Library();
        var tried = new List<int>();
        Assert.Equal(1, OneDnnThreadChoice.Choose(library, $"tiny {Guid.NewGuid()}", tried.Add));
        Assert.All(tried, t => Assert.Equal(1, t));
    }
}
