using FuncNet.Expressions;
using FuncNet.Lowering;

namespace FuncNet.Backends.Cpu;

/// <summary>
/// A counter-based draw (<see cref="RandomKind"/>) on host arrays: each element from <see cref="RandomKind.Sample"/>
/// (the function the reference kernels use), and key splits from <see cref="Philox.SplitBlock"/>, so the bits are
/// the Reference backend's. Writes straight into the output array, with no per-run allocation.
/// </summary>
internal sealed class RandomKernel(RandomKind kind, DType dtype) : IKernel
{
    public void Run(DeviceTensor[] inputs, DeviceTensor output)
    {
        var words = ((CpuTensor)inputs[0]).As<int>();
        var data = ((CpuTensor)output).Data;
        for (var k = 0; k < kind.Keys; k++)
        {
            var key = (unchecked((uint)words[2 * k]), unchecked((uint)words[2 * k + 1]));
            var start = k * kind.PerKey;
            for (var i = 0; i < kind.PerKey; i++)
            {
                if (kind.Distribution == RandomDistribution.Split)
                {
                    var (w0, w1) = Philox.SplitBlock(key, i);
                    var keys = (int[])data;
                    keys[2 * (start + i)] = unchecked((int)w0);
                    keys[2 * (start + i) + 1] = unchecked((int)w1);
                    continue;
                }
                var value = kind.Sample(key, i, dtype);
                switch (data)
                {
                    case float[] f: f[start + i] = (float)value; break;
                    case double[] d: d[start + i] = value; break;
                    case int[] n: n[start + i] = (int)value; break;
                }
            }
        }
    }
}
