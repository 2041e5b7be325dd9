namespace FuncNet.Lowering;

/// <summary>A dense copy of the input's first <see cref="Size"/> elements: a reshape the plan could not alias as a view.</summary>
/// <param name="Size">Elements to copy.</param>
internal sealed record CopyKind(int Size) : KernelKind
{
    /// <inheritdoc />
    public override string Describe() => $"copy of {Size}";
}
