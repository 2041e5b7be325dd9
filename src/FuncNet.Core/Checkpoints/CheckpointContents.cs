namespace FuncNet;

/// <summary>What a checkpoint file holds: named tensors in file order, and the free-form string metadata.</summary>
public sealed class CheckpointContents
{
    internal CheckpointContents(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        Tensors = tensors;
        Metadata = metadata;
    }

    /// <summary>The tensors by name, enumerated in the order their data lies in the file.</summary>
    public IReadOnlyDictionary<string, Tensor> Tensors { get; }

    /// <summary>The <c>__metadata__</c> entries (empty when the file has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }
}
