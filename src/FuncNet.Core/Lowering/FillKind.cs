namespace FuncNet.Lowering;

/// <summary>Writes one value, known once the shapes are (a size), to every output element; reads no input.</summary>
/// <param name="Value">The value, converted to the output's dtype.</param>
internal sealed record FillKind(double Value) : KernelKind
{
    /// <inheritdoc />
    public override string Describe() => $"fill {Value}";
}
