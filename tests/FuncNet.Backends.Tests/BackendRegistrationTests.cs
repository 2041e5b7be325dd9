using System.Reflection;
using System.Runtime.Loader;

namespace FuncNet.Backends.Tests;

/// <summary>
/// The default backend without user code: FuncNet.Backends registers BackendSelector.Auto with Core from
/// its module initializer, and Core loads FuncNet.Backends by itself when it is deployed beside it (what
/// `dotnet add package FuncNet` relies on). The by-name load is checked in a fresh load context, where no
/// FuncNet.Backends type has been touched yet; a context that cannot find the assembly falls back to the
/// Reference backend.
/// </summary>
public class BackendRegistrationTests
{
    [Fact]
    public void TheDefaultIsTheRegisteredAutoSelection() => Assert.Same(BackendSelector.Auto(), Backend.Default);

    [Fact]
    public void CoreLoadsTheBackendsAssemblyItselfWhenItIsDeployed()
    {
        var name = DefaultBackendNameIn(new Isolated(hideBackends: false));
        // The fresh context resolves FUNCNET_BACKEND the same way, so it names the same backend as this one.
        Assert.Equal(BackendSelector.Auto().Name, name);
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("FUNCNET_BACKEND"))) { Assert.NotEqual("reference", name); }
    }

    [Fact]
    public void WithoutTheBackendsAssemblyTheDefaultIsTheReferenceBackend() =>
        Assert.Equal("reference", DefaultBackendNameIn(new Isolated(hideBackends: true)));

    private static string DefaultBackendNameIn(Isolated context)
    {
        try
        {
            var core = context.LoadFromAssemblyPath(typeof(Backend).Assembly.Location);
            var backend = core.GetType("FuncNet.Backend", throwOnError: true)!.GetProperty("Default")!.GetValue(null)!;
            return (string)backend.GetType().GetProperty("Name")!.GetValue(backend)!;
        }
        finally
        {
            context.Unload();
        }
    }

    /// <summary>Loads FuncNet's assemblies from the test's folder afresh (or hides FuncNet.Backends); everything else is shared.</summary>
    private sealed class Isolated(bool hideBackends) : AssemblyLoadContext("funcnet-registration", isCollectible: true)
    {
        protected override Assembly? Load(AssemblyName name)
        {
            if (name.Name == "FuncNet.Backends" && hideBackends) { throw new FileNotFoundException("hidden by the test", name.Name); }
            var path = Path.Combine(AppContext.BaseDirectory, name.Name + ".dll");
            return name.Name!.StartsWith("FuncNet", StringComparison.Ordinal) && File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }
    }
}
