using System.Numerics;
using FuncNet.Lowering;

namespace FuncNet.Backends.Cpu;

/// <summary>A <see cref="ConvolutionKind"/> on the CPU: one of the three passes of <see cref="Conv2DKernels{T}"/> on the backend's GEMM.</summary>
internal sealed class ConvolutionKernel<T>(IGemm gemm, ConvolutionKind kind) : IKernel where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Conv2DKernels<T> _kernels = new(gemm, kind.Geometry, kind.Image, kind.Filter);

    public void Run(DeviceTensor[] inputs, DeviceTensor output)
    {
        T[] a = ((CpuTensor)inputs[0]).As<T>(), b = ((CpuTensor)inputs[1]).As<T>(), result = ((CpuTensor)output).As<T>();
        switch (kind.Pass)
        {
            case ConvolutionPass.Forward: _kernels.Forward(a, b, result); break;
            case ConvolutionPass.InputGradient: _kernels.InputGradient(a, b, result); break;
            default: _kernels.FilterGradient(a, b, result); break;
        }
    }
}
