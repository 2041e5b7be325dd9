namespace FuncNet.Lowering;

/// <summary>
/// What a node computes, said once by its op (<see cref="Op.Lower"/>) in terms every backend understands:
/// a few kinds of kernel, each with its geometry already worked out from the concrete shapes. Backends
/// switch on these kinds, never on op types, so an op that lowers to an existing kind runs natively on
/// every backend without a line of backend code. A backend may still decline a kind at a layout or dtype
/// it cannot do; the node then runs its reference kernel there (correct, slower).
/// </summary>
/// <remarks>A new kind is one more record deriving from this one, in its own file in this folder.</remarks>
internal abstract record KernelKind
{
    /// <summary>A short description for messages and tests, e.g. <c>gemm 4×4×3</c>.</summary>
    public abstract string Describe();
}
