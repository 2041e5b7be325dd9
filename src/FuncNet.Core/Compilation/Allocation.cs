namespace FuncNet.Compilation;

/// <summary>
/// Storage requests a plan or a variable store makes on behalf of a node. Running out of memory (host or
/// device) becomes an <see cref="AllocationException"/> that names the node, its shape and dtype and the bytes
/// asked for, so the user learns which part of the graph, and which fed shape, did not fit.
/// </summary>
internal static class Allocation
{
    /// <summary>New storage for <paramref name="node"/>'s value of the given shape and dtype.</summary>
    public static DeviceTensor Allocate(IBackend backend, Shape shape, DType dtype, Expr node)
    {
        try
        {
            return backend.Allocate(shape, dtype);
        }
        catch (OutOfMemoryException e)
        {
            throw Failed(backend, shape, dtype, node, e);
        }
    }

    /// <summary>A backend copy of <paramref name="value"/>, the host value of <paramref name="node"/> (a constant, a variable's value, a feed).</summary>
    public static DeviceTensor Upload(IBackend backend, Tensor value, Expr node)
    {
        try
        {
            return backend.Upload(value);
        }
        catch (OutOfMemoryException e)
        {
            throw Failed(backend, value.Shape, value.DType, node, e);
        }
    }

    private static AllocationException Failed(IBackend backend, Shape shape, DType dtype, Expr node, OutOfMemoryException e)
    {
        var bytes = (decimal)shape.Size * dtype.SizeInBytes();
        return new AllocationException(
            $"Backend '{backend.Name}' could not allocate {bytes:N0} bytes for the value of {node.Op.Name} node {node} " +
            $"(shape {shape}, {dtype}): {e.Message} Feed smaller batches, dispose plans and sessions no longer used, or lower Plan.SpecializationLimit.",
            e);
    }
}
