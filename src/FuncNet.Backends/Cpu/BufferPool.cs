using System.Collections.Concurrent;

namespace FuncNet.Backends.Cpu;

/// <summary>
/// Reuses host arrays of exactly the same dtype and length. A plan run with the same shapes asks for the
/// same sizes every step, so after the first step nothing is allocated.
/// </summary>
internal sealed class BufferPool
{
    private readonly ConcurrentDictionary<(DType, int), ConcurrentBag<Array>> _free = new();

    public Array Rent(DType dtype, int length)
    {
        if (_free.TryGetValue((dtype, length), out var bag) && bag.TryTake(out var array))
        {
            return array;
        }
        return dtype switch
        {
            DType.Float32 => GC.AllocateUninitializedArray<float>(length),
            DType.Float64 => GC.AllocateUninitializedArray<double>(length),
            _ => new int[length],
        };
    }

    public void Return(DType dtype, Array array) => _free.GetOrAdd((dtype, array.Length), _ => new ConcurrentBag<Array>()).Add(array);

    /// <summary>Drops every pooled array.</summary>
    public void Clear() => _free.Clear();
}
