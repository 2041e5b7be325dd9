using FuncNet.Backends.Cpu.OneDnn;

namespace FuncNet.Backends.Tests.Cpu;

/// <summary>
/// oneDNN for the tests that need it: required when FUNCNET_REQUIRE_ONEDNN=1 (CI installs it with
/// scripts/setup-native.sh), otherwise such tests skip with the loader's reason where it does not load.
/// </summary>
public static class OneDnnEnvironment
{
    private static bool Required => Environment.GetEnvironmentVariable("FUNCNET_REQUIRE_ONEDNN") == "1";

    internal static OneDnnLibrary Require()
    {
        var (library, error) = OneDnnLibrary.Load();
        if (library is not null)
        {
            return library;
        }
        if (Required)
        {
            Assert.Fail("FUNCNET_REQUIRE_ONEDNN=1 but oneDNN did not load: " + error);
        }
        Skip.If(true, "oneDNN is not installed here (run scripts/setup-native.sh); " + error);
        throw new InvalidOperationException("unreachable");
    }
}
