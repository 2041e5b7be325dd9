namespace FuncNet.Compilation;

/// <summary>A backend value stored in a managed host array (float[], double[] or int[], row-major, exactly its size or larger).</summary>
internal interface IHostStorage
{
    /// <summary>The array.</summary>
    Array Data { get; }
}
