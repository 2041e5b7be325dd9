using FuncNet.Backends.Cuda;

namespace FuncNet.Backends.Tests.Cuda;

/// <summary>
/// The gate that keeps other threads' launches out of a stream capture (no GPU needed): while one thread
/// captures, other threads' enqueues wait; the capturing thread's own pass; a capture waits for enqueues
/// already under way.
/// </summary>
public class CudaStreamGateTests
{
    private static readonly TimeSpan Blocked = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A dedicated thread (the gate's lock belongs to threads, so no tasks that may hop) whose assertion
    /// failures are rethrown by <see cref="Joined"/>.
    /// </summary>
    private sealed class Worker
    {
        private readonly Thread _thread;
        private Exception? _failure;

        public Worker(Action body)
        {
            _thread = new Thread(() =>
            {
                try { body(); }
                catch (Exception e) { _failure = e; }
            }) { IsBackground = true };
            _thread.Start();
        }

        public bool Joined(TimeSpan timeout)
        {
            if (!_thread.Join(timeout)) { return false; }
            if (_failure is not null) { throw new InvalidOperationException("the worker failed", _failure); }
            return true;
        }
    }

    [Fact]
    public void AnotherThreadsEnqueueWaitsUntilTheCaptureEnds()
    {
        using var gate = new CudaStreamGate();
        gate.BeginCapture();
        var enqueuer = new Worker(() =>
        {
            Assert.False(gate.CapturingOnThisThread);
            using (gate.Enqueue()) { }
        });
        Assert.False(enqueuer.Joined(Blocked), "another thread enqueued during the capture");
        gate.EndCapture();
        Assert.True(enqueuer.Joined(Long));
    }

    [Fact]
    public void TheCapturingThreadsOwnEnqueuesPass()
    {
        using var gate = new CudaStreamGate();
        Assert.False(gate.CapturingOnThisThread);
        gate.BeginCapture();
        Assert.True(gate.CapturingOnThisThread);
        using (gate.Enqueue())
        {
            using (gate.Enqueue()) { }
        }
        gate.EndCapture();
        Assert.False(gate.CapturingOnThisThread);
    }

    [Fact]
    public void ACaptureWaitsForEnqueuesUnderWay()
    {
        using var gate = new CudaStreamGate();
        using var holding = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var enqueuer = new Worker(() =>
        {
            using (gate.Enqueue())
            {
                holding.Set();
                release.Wait();
            }
        });
        Assert.True(holding.Wait(Long));
        var capture = new Worker(() =>
        {
            gate.BeginCapture();
            gate.EndCapture();
        });
        Assert.False(capture.Joined(Blocked), "the capture began while another thread was enqueueing");
        release.Set();
        Assert.True(capture.Joined(Long));
        Assert.True(enqueuer.Joined(Long));
    }

    [Fact]
    public void EnqueuesOnSeveralThreadsShareTheGate()
    {
        using var gate = new CudaStreamGate();
        using var all = new Barrier(4);
        var workers = Enumerable.Range(0, 4).Select(_ => new Worker(() =>
        {
            using (gate.Enqueue())
            {
                // Every thread holds the gate at once, or the barrier never opens.
                Assert.True(all.SignalAndWait(Long));
            }
        })).ToArray();
        Assert.All(workers, w => Assert.True(w.Joined(Long + Long)));
    }
}
