namespace FuncNet;

/// <summary>One part of a training step: <paramref name="Variable"/> takes the value of <paramref name="NewValue"/>, an expression of the old values.</summary>
/// <param name="Variable">The variable that is updated.</param>
/// <param name="NewValue">Its new value, computed from the values before the step.</param>
public sealed record Assignment(Expr Variable, Expr NewValue);
