using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using FuncNet.Rewriting;

namespace FuncNet.Differentiation;

/// <summary>
/// A map's derivative is the map of its body's derivative, but the map op lives in the op catalogue, a layer
/// below differentiation (and rewriting), so it cannot call <see cref="ReverseMode"/>. This layer installs the
/// body derivative into <see cref="MapOp"/> instead, keeping every dependency pointing down the stack
/// (as JAX registers the rules of higher-order primitives from its autodiff module).
/// </summary>
internal static class MapBodyDerivative
{
    // Runs when FuncNet.Core loads, before any Expr exists, so no map is ever differentiated without it.
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255", Justification = "Wires Core's own layers together (an inverted dependency); no user code is involved.")]
    internal static void Install() => MapOp.InstallBodyDerivative(Of);

    /// <summary>∂body/∂symbol by reverse mode, simplified so that the derived map's formula stays small.</summary>
    private static Expr Of(Expr body, Expr symbol) => Simplifier.Simplify(ReverseMode.Gradients(body, [symbol], null)[0]);
}
