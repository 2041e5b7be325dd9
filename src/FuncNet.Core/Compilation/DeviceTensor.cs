namespace FuncNet;

/// <summary>
/// A value living on a backend (host memory, a native buffer, GPU memory), with its shape and dtype. Owned
/// by whoever created it (a plan or a session) and released with <see cref="IDisposable.Dispose"/>.
/// </summary>
public abstract class DeviceTensor : IDisposable
{
    /// <summary>Creates the handle.</summary>
    protected DeviceTensor(Shape shape, DType dtype)
    {
        Shape = shape;
        DType = dtype;
    }

    /// <summary>The shape (always fully known).</summary>
    public Shape Shape { get; }

    /// <summary>The element type.</summary>
    public DType DType { get; }

    /// <summary>True once released.</summary>
    public bool IsDisposed { get; private set; }

    /// <summary>Releases the storage.</summary>
    public void Dispose()
    {
        if (!IsDisposed)
        {
            IsDisposed = true;
            Release();
        }
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// <paramref name="value"/> as the backend's own tensor type, or a <see cref="FuncNetException"/> saying
    /// that values must come from the backend that uses them (a tensor of another backend was passed).
    /// </summary>
    internal static T Require<T>(DeviceTensor value, string backend) where T : DeviceTensor => value as T ?? throw new FuncNetException(
        $"Backend '{backend}' was given a {value?.GetType().Name ?? "null"}; values must come from the same backend (upload host tensors with IBackend.Upload).");

    /// <summary>Frees the backend storage; called once.</summary>
    protected abstract void Release();
}
