namespace FuncNet;

/// <summary>
/// What one run of a <see cref="Plan"/> did. Immutable, and published whole when the run ends, so a plan run
/// from several threads at once always reports the facts of one run (the most recently finished), never a
/// mixture of two.
/// </summary>
/// <param name="KernelCount">How many kernels (non-leaf, non-view nodes) the run executed: each node at most once.</param>
/// <param name="Replayed">True when the run replayed a recording instead of launching kernel by kernel.</param>
/// <param name="GraphFallbackReason">Why the run did not replay a recording (e.g. the backend does not capture, or the warm-up run); null when it did.</param>
public sealed record PlanRunInfo(int KernelCount, bool Replayed, string? GraphFallbackReason);
