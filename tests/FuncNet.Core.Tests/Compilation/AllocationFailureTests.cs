using FuncNet.Tests.Support;
using static FuncNet.Ops;

namespace FuncNet.Tests.Compilation;

/// <summary>
/// Running out of memory in the middle of a run: the error is an <see cref="AllocationException"/> naming the
/// node, shape, dtype and bytes, and the run releases whatever it had allocated, wherever the failure falls.
/// </summary>
public class AllocationFailureTests
{
    private static (TrainingStep Step, Dictionary<Expr, Tensor> Feeds) Model()
    {
        var x = Expr.Placeholder("x", Shape.Of(-1, 3));
        var w = Expr.Variable("w", Tensor.Create(Shape.Of(3, 2), [0.5, -0.25, 0.125, 1.0, -1.0, 0.75]));
        var c = Expr.Constant(Tensor.FromArray(new[] { 0.1, -0.2 }));
        var loss = ReduceMean(Square(Tanh(MatMul(x, w) + c)));
        var feeds = new Dictionary<Expr, Tensor> { [x] = Tensor.Create(Shape.Of(4, 3), Enumerable.Range(0, 12).Select(i => Math.Sin(i)).ToArray()) };
        return (new GradientDescentOptimizer(0.1).Minimize(loss), feeds);
    }

    [Fact]
    public void RepeatedOutOfMemoryRunsLeakNothingAndNameTheBuffer()
    {
        var backend = new FailingAllocationBackend();
        var (step, feeds) = Model();
        using (var session = new Session(backend))
        {
            for (var run = 0; run < 3; run++)
            {
                // The first storage a run asks for is the buffer the fed x is copied into.
                backend.FailAt = 1;
                var e = Assert.Throws<AllocationException>(() => session.Run(step, feeds));
                Assert.Contains("could not allocate 96 bytes for the value of Placeholder node x (shape (4, 3), Float64)", e.Message);
                Assert.IsType<OutOfMemoryException>(e.InnerException);
                Assert.Equal(0, backend.LiveTensors);
            }
        }
        Assert.Equal(0, backend.LiveTensors);
    }

    [Fact]
    public void AFailureAtAnyAllocationOfARunReleasesEverythingAndTheSessionStaysUsable()
    {
        var healthy = new FailingAllocationBackend();
        var (step, feeds) = Model();
        Tensor expected;
        using (var session = new Session(healthy))
        {
            expected = session.Run(step, feeds);
        }
        var allocations = healthy.Allocations;
        Assert.True(allocations > 5, $"the model should need several allocations; it made {allocations}");
        for (var failAt = 1; failAt <= allocations; failAt++)
        {
            var backend = new FailingAllocationBackend();
            using (var session = new Session(backend))
            {
                backend.FailAt = failAt;
                var e = Assert.Throws<AllocationException>(() => session.Run(step, feeds));
                Assert.Matches(@"could not allocate [\d,]+ bytes for the value of \w+ node .+ \(shape \([\d, ]*\), Float64\)", e.Message);
                // The failed run computed nothing and assigned nothing: the next run is the first step again.
                Assert.Equal(0, backend.FailAt);
                Assert.Equal(expected, session.Run(step, feeds));
            }
            Assert.True(backend.LiveTensors == 0, $"failing allocation {failAt} of {allocations} left {backend.LiveTensors} live tensors after Dispose");
        }
    }

    [Fact]
    public void AFailedRunOfAPlanKeepsOnlyWhatThePlanOwns()
    {
        var backend = new FailingAllocationBackend();
        var x = Expr.Placeholder("x", Shape.Of(-1, 2));
        var c = Expr.Constant(Tensor.FromArray(new[] { 1.0, 2.0 }));
        using (var plan = Plan.Compile([Exp(x * c), ReduceSum(x)], backend))
        {
            var feeds = new Dictionary<Expr, Tensor> { [x] = Tensor.Ones(Shape.Of(5, 2)) };
            plan.Run(feeds);
            var afterOneRun = backend.LiveTensors;
            // A new batch size needs a new arena; failing its last allocation must release the ones before it.
            var bigger = new Dictionary<Expr, Tensor> { [x] = Tensor.Ones(Shape.Of(7, 2)) };
            var before = backend.Allocations;
            plan.Run(bigger);
            var perArena = backend.Allocations - before;
            plan.SpecializationLimit = 1;
            var other = new Dictionary<Expr, Tensor> { [x] = Tensor.Ones(Shape.Of(9, 2)) };
            backend.FailAt = perArena;
            var e = Assert.Throws<AllocationException>(() => plan.Run(other));
            Assert.Contains("(shape (", e.Message);
            Assert.True(backend.LiveTensors <= afterOneRun, $"{backend.LiveTensors} live after the failed run; one arena and the constant take {afterOneRun}");
        }
        Assert.Equal(0, backend.LiveTensors);
    }
}
