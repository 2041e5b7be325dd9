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

    /// <summary>Frees the backend storage; called once.</summary>
    protected abstract void Release();
}
