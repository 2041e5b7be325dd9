namespace FuncNet.Lowering;

/// <summary>A node without inputs (placeholder, variable, constant, a map body's argument): its value is bound, not computed, so no kernel ever runs for it.</summary>
internal sealed record BoundKind : KernelKind
{
    /// <inheritdoc />
    public override string Describe() => "bound by the plan";
}
