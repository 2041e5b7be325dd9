namespace FuncNet;

/// <summary>How a loss combines its per-example values.</summary>
public enum Reduction
{
    /// <summary>The sum over examples (the curriculum's J).</summary>
    Sum,

    /// <summary>The mean over examples (batch-size independent; what Keras and PyTorch use).</summary>
    Mean,
}
