using System.Numerics;
using FuncNet.Lowering;

namespace FuncNet.Backends.Cpu;

/// <summary>A <see cref="PoolingKind"/> on the CPU: one pass of <see cref="MaxPool2DKernels{T}"/> or <see cref="AvgPool2DKernels{T}"/>.</summary>
internal sealed class PoolingKernel<T> : IKernel where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly PoolingPass _pass;
    private readonly MaxPool2DKernels<T>? _max;
    private readonly AvgPool2DKernels<T>? _average;

    public PoolingKernel(PoolingKind kind)
    {
        _pass = kind.Pass;
        if (kind.Pass is PoolingPass.AverageForward or PoolingPass.AverageGradient)
        {
            _average = new(kind.Geometry, kind.Input);
        }
        else
        {
            _max = new(kind.Geometry, kind.Input);
        }
    }

    public void Run(DeviceTensor[] inputs, DeviceTensor output)
    {
        var a = ((CpuTensor)inputs[0]).As<T>();
        var result = ((CpuTensor)output).As<T>();
        switch (_pass)
        {
            case PoolingPass.MaxForward: _max!.Forward(a, result); break;
            case PoolingPass.MaxGradient: _max!.Gradient(a, ((CpuTensor)inputs[1]).As<T>(), result); break;
            case PoolingPass.MaxSelect: _max!.Select(a, ((CpuTensor)inputs[1]).As<T>(), result); break;
            case PoolingPass.AverageForward: _average!.Forward(a, result); break;
            default: _average!.Gradient(a, result); break;
        }
    }
}
