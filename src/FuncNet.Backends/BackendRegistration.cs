using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace FuncNet.Backends;

/// <summary>
/// Makes <see cref="BackendSelector.Auto"/> the default backend of <see cref="Backend.Default"/> as soon as
/// this assembly is loaded, whether user code names one of its types or Core loads it by name.
/// </summary>
internal static class BackendRegistration
{
    // A library module initializer is exactly what is wanted here: registration must happen without user code.
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255", Justification = "The meta-package promises fast backends with no user code; Core loads this assembly and runs this initializer.")]
    internal static void Register() => Backend.RegisterDefault(BackendSelector.Auto);
}
