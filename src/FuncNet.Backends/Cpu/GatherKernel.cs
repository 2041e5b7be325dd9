using System.Numerics;
using FuncNet.Lowering;

namespace FuncNet.Backends.Cpu;

/// <summary>Chooses the typed <see cref="GatherKernel{T}"/> for an element dtype.</summary>
internal static class GatherKernel
{
    /// <summary>The kernel for <paramref name="kind"/> over elements of <paramref name="dtype"/>.</summary>
    public static IKernel For(GatherKind kind, DType dtype) => dtype switch
    {
        DType.Float32 => new GatherKernel<float>(kind),
        DType.Float64 => new GatherKernel<double>(kind),
        _ => new GatherKernel<int>(kind),
    };
}

/// <summary>
/// Gather and scatter-add (<see cref="GatherKind"/>) on host arrays of any element type: every index is checked
/// first (an <see cref="IndexException"/> with the Reference backend's message), then whole inner slices move as
/// span copies (gather) or vectorized additions (scatter-add, where repeated indices sum).
/// </summary>
internal sealed class GatherKernel<T>(GatherKind kind) : IKernel where T : unmanaged, INumber<T>
{
    public void Run(DeviceTensor[] inputs, DeviceTensor output)
    {
        var g = kind.Geometry;
        var indices = ((CpuTensor)inputs[1]).As<int>().AsSpan(0, inputs[1].Shape.Size);
        kind.CheckIndices(indices);
        var source = ((CpuTensor)inputs[0]).As<T>();
        var result = ((CpuTensor)output).As<T>();
        if (kind.Scatter)
        {
            result.AsSpan(0, output.Shape.Size).Clear();
        }
        var inner = g.Inner;
        for (var b = 0; b < g.Batch; b++)
        {
            for (var o = 0; o < g.Outer; o++)
            {
                for (var k = 0; k < g.Count; k++)
                {
                    var j = indices[b * g.Count + k];
                    var gathered = g.Gathered(b, o, k, 0);
                    var indexed = g.Source(b, o, j, 0);
                    if (kind.Scatter)
                    {
                        var target = result.AsSpan(indexed, inner);
                        System.Numerics.Tensors.TensorPrimitives.Add(target, source.AsSpan(gathered, inner), target);
                    }
                    else
                    {
                        source.AsSpan(indexed, inner).CopyTo(result.AsSpan(gathered, inner));
                    }
                }
            }
        }
    }
}
