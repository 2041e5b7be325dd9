namespace FuncNet.Compilation;

/// <summary>
/// The storage operations of every backend that keeps values in host arrays (the reference and CPU backends):
/// written once here so that uploading, downloading and copying mean the same on both.
/// </summary>
internal static class HostStorage
{
    /// <summary>Copies a host tensor's elements into a value's array.</summary>
    public static void CopyIn(Tensor source, IHostStorage target) => Array.Copy(source.Data, target.Data, source.Size);

    /// <summary>A new host tensor with a copy of a value's elements (the value stays the backend's).</summary>
    public static Tensor Download(DeviceTensor value, IHostStorage storage) => Tensor.Wrap(value.Shape, value.DType, (Array)storage.Data.Clone());

    /// <summary>Copies the first <paramref name="size"/> elements of one value's array into another's.</summary>
    public static void Copy(IHostStorage source, IHostStorage target, int size) => Array.Copy(source.Data, target.Data, size);
}
