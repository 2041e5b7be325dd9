using FuncNet.Expressions;
using FuncNet.Training;

namespace FuncNet;

/// <summary>
/// The base of the optimizers: <see cref="Minimize(Expr)"/> differentiates the loss symbolically and asks
/// the optimizer for each variable's new value as an expression of the old values, its gradient and the
/// optimizer's slots, giving a <see cref="TrainingStep"/> that a <see cref="Session"/> runs.
/// </summary>
public abstract class Optimizer
{
    /// <summary>Creates the optimizer with its learning rate (a number or a schedule).</summary>
    protected Optimizer(LearningRateSchedule learningRate)
    {
        LearningRate = learningRate ?? throw new ArgumentNullException(nameof(learningRate));
    }

    /// <summary>The learning rate schedule.</summary>
    public LearningRateSchedule LearningRate { get; }

    /// <summary>A short name for messages, e.g. <c>GradientDescent</c>.</summary>
    public abstract string Name { get; }

    /// <summary>
    /// A step minimizing <paramref name="loss"/> over every variable it depends on, except the keys of
    /// <see cref="RandomKeyStream"/>s, which the step advances instead. The step also carries the state
    /// updates of the nodes the loss uses (batch normalization's running statistics), untrained.
    /// </summary>
    public TrainingStep Minimize(Expr loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        // Keys of random streams are variables too, but advanced, not trained.
        return Minimize(loss, GraphWalk.Topological([loss]).Where(n => n.IsVariable && RandomKeyStream.Of(n) is null).ToArray());
    }

    /// <summary>A step minimizing <paramref name="loss"/> over the given variables only.</summary>
    public TrainingStep Minimize(Expr loss, IReadOnlyList<Expr> variables)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(variables);
        if (loss.Shape.Rank != 0 || !loss.DType.IsFloat())
        {
            throw new ShapeException($"{Name}.Minimize: expected a scalar Float32/Float64 loss; given shape {loss.Shape} {loss.DType} (reduce it with ReduceSum or ReduceMean).");
        }
        if (variables.Count == 0)
        {
            throw new FuncNetException($"{Name}.Minimize: the loss depends on no variable, so there is nothing to train: {loss}.");
        }
        foreach (var v in variables)
        {
            if (v is null || !v.IsVariable || !v.DType.IsFloat())
            {
                throw new FuncNetException($"{Name}.Minimize: expected Float32/Float64 variables (Expr.Variable); given {v?.Op.Name ?? "null"} {v}.");
            }
        }
        return ApplyGradients(loss, variables, Ops.Gradients(loss, [.. variables]));
    }

    /// <summary>
    /// A step applying given <paramref name="gradients"/> (one per variable, of its shape and dtype) to
    /// <paramref name="variables"/>, as <c>tf.train.Optimizer.apply_gradients</c>: the gradients may be any
    /// expressions, for example placeholders fed with gradients averaged across data-parallel workers.
    /// <paramref name="loss"/> is the scalar the step reports; it may be a placeholder too. Every
    /// <see cref="RandomKeyStream"/> whose key the loss or the gradients read is advanced by the step.
    /// </summary>
    public TrainingStep ApplyGradients(Expr loss, IReadOnlyList<Expr> variables, IReadOnlyList<Expr> gradients)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(variables);
        ArgumentNullException.ThrowIfNull(gradients);
        if (gradients.Count != variables.Count)
        {
            throw new FuncNetException($"{Name}.ApplyGradients: expected one gradient per variable ({variables.Count}); given {gradients.Count}.");
        }
        var context = new OptimizerContext(LearningRate);
        var assignments = new List<Assignment>();
        for (var i = 0; i < variables.Count; i++)
        {
            var (v, g) = (variables[i], gradients[i]);
            ArgumentNullException.ThrowIfNull(v);
            ArgumentNullException.ThrowIfNull(g);
            if (!v.IsVariable || !v.DType.IsFloat())
            {
                throw new FuncNetException($"{Name}.ApplyGradients: expected Float32/Float64 variables (Expr.Variable); given {v.Op.Name} {v}.");
            }
            if (g.Shape != v.Shape || g.DType != v.DType)
            {
                throw new ShapeException($"{Name}.ApplyGradients: the gradient of variable '{v.Name}' must have its shape {v.Shape} {v.DType}; given {g.Shape} {g.DType}.");
            }
            assignments.Add(new Assignment(v, Update(context, v, g)));
        }
        assignments.AddRange(context.SlotAssignments);
        // State the loss's own nodes keep (batch normalization's running statistics) moves with the step.
        assignments.AddRange(StateUpdates.Of(loss).Where(a => !assignments.Any(t => ReferenceEquals(t.Variable, a.Variable))));
        assignments.AddRange(RandomKeyStream.AdvancesFor([loss, .. gradients]));
        return new TrainingStep(loss, variables, context.Slots, assignments);
    }

    /// <summary>
    /// The new value of <paramref name="variable"/> given its <paramref name="gradient"/>, as an expression
    /// of values before the step. Slots (velocity, moments) come from <paramref name="context"/>; assign
    /// their new values there.
    /// </summary>
    protected abstract Expr Update(OptimizerContext context, Expr variable, Expr gradient);
}
