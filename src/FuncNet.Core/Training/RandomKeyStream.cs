using System.Runtime.CompilerServices;
using FuncNet.Expressions;

namespace FuncNet;

/// <summary>
/// A random key that advances itself each training step, so a model with dropout (or any random op) need not
/// thread keys by hand. The key lives in an Int32 variable; <see cref="Next"/> hands out a fresh subkey of its
/// current value for each random op of a graph, and <see cref="Advance"/> is the assignment that replaces the
/// key by a new one. A step from an optimizer's <c>Minimize</c> or <c>ApplyGradients</c> includes that
/// assignment for every stream its graph reads, so each <c>Session.Run(step, …)</c> draws new numbers; a
/// plan compiled by hand adds <see cref="Advance"/> to its assignments. Everything stays a pure graph: the
/// same seed replays the same sequence of masks on every backend, and a checkpoint can save the key.
/// </summary>
public sealed class RandomKeyStream
{
    private static readonly ConditionalWeakTable<Expr, RandomKeyStream> Streams = new();
    private int _handedOut;

    /// <summary>A stream whose key variable is named <paramref name="name"/> and starts at <c>RandomKey(seed)</c>.</summary>
    public RandomKeyStream(string name, long seed)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Key = Expr.Variable(name, Ops.RandomKeyValue(seed));
        Streams.Add(Key, this);
    }

    /// <summary>The key variable, Int32 of shape (2,).</summary>
    public Expr Key { get; }

    /// <summary>
    /// A subkey of the current key not handed out before by this stream: <c>KeyAt(Key, n)</c> for n = 1, 2, …
    /// (index 0 is kept for <see cref="Advance"/>). Call it once per random op; two ops given the same subkey
    /// draw the same numbers.
    /// </summary>
    public Expr Next() => Ops.KeyAt(Key, Interlocked.Increment(ref _handedOut));

    /// <summary>The assignment that moves the stream on: Key ← <c>KeyAt(Key, 0)</c>, a key no draw of this step used.</summary>
    public Assignment Advance => new(Key, Ops.KeyAt(Key, 0));

    /// <summary>The stream whose key <paramref name="variable"/> is, or null.</summary>
    internal static RandomKeyStream? Of(Expr variable) => Streams.TryGetValue(variable, out var s) ? s : null;

    /// <summary>The advances of every stream whose key the graphs of <paramref name="roots"/> read.</summary>
    internal static IEnumerable<Assignment> AdvancesFor(IEnumerable<Expr> roots) =>
        GraphWalk.Topological(roots).Where(n => n.IsVariable).Select(Of).OfType<RandomKeyStream>().Select(s => s.Advance);
}
