namespace FuncNet;

/// <summary>
/// What an <see cref="Optimizer"/> builds one training step with: the learning rate expression, the shared
/// step count and per-variable slot variables, whose new values are assigned with the step.
/// </summary>
public sealed class OptimizerContext
{
    private readonly LearningRateSchedule _schedule;
    private readonly List<Expr> _slots = new();
    private readonly List<Assignment> _slotAssignments = new();
    private Expr? _step;

    internal OptimizerContext(LearningRateSchedule schedule)
    {
        _schedule = schedule;
    }

    internal IReadOnlyList<Expr> Slots => _slots;

    internal IReadOnlyList<Assignment> SlotAssignments => _slotAssignments;

    /// <summary>
    /// The number of updates applied before this step, a Float64 scalar variable starting at 0 and
    /// incremented by every run of the step. Created on first use.
    /// </summary>
    public Expr StepCount
    {
        get
        {
            if (_step is null)
            {
                _step = Expr.Variable("step", Tensor.Scalar(0.0));
                _slots.Add(_step);
                _slotAssignments.Add(new Assignment(_step, _step + 1.0));
            }
            return _step;
        }
    }

    /// <summary>The learning rate for this step, in <paramref name="dtype"/>.</summary>
    public Expr LearningRate(DType dtype) =>
        _schedule.DependsOnStep ? Ops.Cast(_schedule.Rate(StepCount), dtype) : _schedule.Rate(Expr.Constant(0.0, DType.Float64));

    /// <summary>A new slot variable of <paramref name="variable"/>'s shape and dtype, starting at zero.</summary>
    public Expr Slot(Expr variable, string name)
    {
        ArgumentNullException.ThrowIfNull(variable);
        var slot = Expr.Variable($"{variable.Name}/{name}", Tensor.Zeros(variable.Shape, variable.DType));
        _slots.Add(slot);
        return slot;
    }

    /// <summary>Assigns <paramref name="newValue"/> (an expression of values before the step) to a slot with the step.</summary>
    public void Assign(Expr slot, Expr newValue)
    {
        ArgumentNullException.ThrowIfNull(slot);
        ArgumentNullException.ThrowIfNull(newValue);
        if (!_slots.Contains(slot))
        {
            throw new FuncNetException($"OptimizerContext.Assign: expected a slot made by this context; given {slot}.");
        }
        _slotAssignments.Add(new Assignment(slot, newValue));
    }
}
