namespace FuncNet.Backends.Cpu;

/// <summary>
/// The check every native GEMM provider makes before handing raw pointers to its library: a row-major block
/// must lie inside its array, or the library would read or write outside the buffer.
/// </summary>
internal static class GemmBounds
{
    /// <summary>Throws unless a rows × cols row-major block with leading dimension ld at offset lies inside the array.</summary>
    public static void RequireInside<T>(string provider, T[] array, int offset, int rows, int cols, int ld, string operand)
    {
        var last = (long)offset + (long)(rows - 1) * ld + cols;
        if (rows <= 0 || cols <= 0 || offset < 0 || ld < cols || last > array.Length)
        {
            throw new FuncNetException(
                $"{provider} GEMM: operand {operand} of {rows} × {cols} (leading dimension {ld}) at offset {offset} does not lie in its buffer of {array.Length} elements; " +
                "this is a FuncNet bug, please report it with the shapes involved.");
        }
    }
}
