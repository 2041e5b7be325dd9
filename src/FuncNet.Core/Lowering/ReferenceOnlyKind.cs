namespace FuncNet.Lowering;

/// <summary>No backend kernel: every backend runs the op's reference kernel on host copies of the inputs.</summary>
/// <param name="Reason">Why, for messages (e.g. "ArgMax has no native kernel yet").</param>
internal sealed record ReferenceOnlyKind(string Reason) : KernelKind
{
    /// <inheritdoc />
    public override string Describe() => $"reference only: {Reason}";
}
