namespace FuncNet;

/// <summary>
/// What an optimizer's <c>Minimize</c> returns and <see cref="Session.Run(TrainingStep, IReadOnlyDictionary{Expr, Tensor})"/>
/// executes: the loss, and for every trained variable and optimizer slot (velocity, moments, step count)
/// the expression of its new value. A run evaluates [loss, all new values] in one plan on the feeds it is
/// given, then assigns them all at once, so every update sees the same, fresh forward pass.
/// </summary>
public sealed class TrainingStep
{
    internal TrainingStep(Expr loss, IReadOnlyList<Expr> variables, IReadOnlyList<Expr> slots, IReadOnlyList<Assignment> assignments)
    {
        Loss = loss;
        Variables = variables;
        SlotVariables = slots;
        Assignments = assignments;
        Outputs = [loss, .. assignments.Select(a => a.NewValue)];
    }

    /// <summary>The scalar being minimized.</summary>
    public Expr Loss { get; }

    /// <summary>The trained variables.</summary>
    public IReadOnlyList<Expr> Variables { get; }

    /// <summary>The optimizer's own state (velocities, moments, the step count), owned by this step.</summary>
    public IReadOnlyList<Expr> SlotVariables { get; }

    /// <summary>Every variable the step updates, with its new value.</summary>
    public IReadOnlyList<Assignment> Assignments { get; }

    /// <summary>What one run computes: the loss first, then each assignment's new value in order.</summary>
    public IReadOnlyList<Expr> Outputs { get; }

    /// <summary>
    /// The one place where a step becomes a plan: [loss, new values...] compiled for <paramref name="backend"/>.
    /// (A backend that updates variables in place would specialize here.)
    /// </summary>
    public Plan Build(IBackend backend) =>
        Plan.Compile([Loss], Assignments.Select(a => KeyValuePair.Create(a.Variable, a.NewValue)).ToArray(), backend);
}
