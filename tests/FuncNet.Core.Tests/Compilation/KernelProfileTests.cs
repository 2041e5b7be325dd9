using FuncNet.Compilation;
using static FuncNet.Ops;

namespace FuncNet.Tests.Compilation;

/// <summary>
/// The kernel profile behind <c>funcnet bench --profile</c>: while active, each kernel of a run on the profiling
/// thread is counted once under its op and shapes; runs on other threads and runs after it stopped add nothing.
/// </summary>
public class KernelProfileTests
{
    [Fact]
    public void EachKernelOfEachRunIsCountedUnderItsOpAndShapesUntilStopped()
    {
        var x = Expr.Placeholder("x", Shape.Of(-1, 3));
        var w = Expr.Variable("w", Tensor.FromSpan(Shape.Of(3, 2), [0.1, -0.2, 0.3, 0.4, -0.5, 0.6], DType.Float64));
        using var plan = Plan.Compile([Tanh(MatMul(x, w))], new ReferenceBackend());
        var feeds = new Dictionary<Expr, Tensor> { [x] = Tensor.FromSpan(Shape.Of(4, 3), new double[12], DType.Float64) };
        plan.Run(feeds);

        KernelProfile.Start();
        for (var i = 0; i < 3; i++) { plan.Run(feeds); }
        // Another thread's runs meanwhile are not this profile's (before, they raced on its totals).
        var other = new Thread(() => { for (var i = 0; i < 5; i++) { plan.Run(feeds); } });
        other.Start();
        other.Join();
        var profile = KernelProfile.Stop();
        plan.Run(feeds);

        var matMul = Assert.Single(profile, k => k.Kernel.StartsWith("MatMulOp (4, 2) <- (4, 3), (3, 2)", StringComparison.Ordinal));
        Assert.Equal(3, matMul.Calls);
        Assert.True(matMul.Seconds > 0);
        Assert.All(profile, k => Assert.Equal(3, k.Calls));
        Assert.False(KernelProfile.Active);
        Assert.Equal(profile.Select(k => k.Calls), KernelProfile.Stop().Select(k => k.Calls)); // the run after Stop added nothing
    }
}
